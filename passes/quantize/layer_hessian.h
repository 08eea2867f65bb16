// The layer Hessians GPTQ needs (passes/quantize/gptq.h): for each conv, gemm, linear or matmul
// with a constant weight, H = 2/n * sum x x^T over the rows x its weight multiplies, seen while
// the reference runtime runs the float graph over calibration data. A linear layer's rows are
// its input rows ([..., K] flattened; a transposed gemm input read by columns); a conv's are its
// im2col patches, one Hessian per group, in the order of the weight's [C/g, kh, kw] elements.
//
// Memory: a layer holds K x K doubles per group (K = C/g * kh * kw for a conv, the input width
// for a linear layer). Layers are collected in as many passes over the calibration data as it
// takes to keep at most `max_bytes` of Hessians at once (a layer larger than that alone).
//
//   Expected<LayerHessians> h = CollectLayerHessians(graph, ops, source, {.threads = 2});
//   const std::vector<HessianAccumulator>* groups = h->Find(conv);   // one per conv group
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "ir/graph.h"
#include "ir/op.h"
#include "ir/status.h"
#include "passes/quantize/calibration.h"
#include "passes/quantize/gptq.h"

namespace kiln::quant {

class LayerHessians {
 public:
  // Null for an op that was not collected.
  const std::vector<HessianAccumulator>* Find(const ir::Op* op) const;

 private:
  friend class HessianCollector;
  std::map<const ir::Op*, std::vector<HessianAccumulator>> layers_;
};

struct LayerHessianOptions {
  int threads = 1;
  int64_t max_bytes = int64_t{1} << 30;
  // Only each layer's mean input (K values per group; HessianAccumulator means_only).
  bool means_only = false;
  // (batches done, total) over all passes.
  ProgressFn progress = nullptr;
};

// The weight's [N, K] layout GPTQ sees for `op` (weight_axis from AnalyzeQuantizable): one
// group per conv group. Fails for an op it cannot read rows for (a conv that is not 2-D NCHW,
// or whose weight's spatial dims are not static), naming the node.
struct HessianShape {
  int64_t groups = 1;
  int64_t k = 0;
};
Expected<HessianShape> HessianShapeOf(const ir::Op& op);

// `ops` must be ops of `graph` (top level) whose operand 1 is a constant weight. Errors name the
// calibration batch and node.
Expected<LayerHessians> CollectLayerHessians(const ir::Graph& graph,
                                             std::span<const ir::Op* const> ops,
                                             CalibrationSource& source,
                                             const LayerHessianOptions& options = {});

}  // namespace kiln::quant
