// Weight-only quantization (`--quantize int4-weight` / `int8-weight`):
// the float weight constant of each conv, gemm, linear and matmul (the ops and weight roles of
// quantizable_op.h) becomes dequantize(@w.q) of a constant of i4 or i8 codes, rounded to nearest
// with each group's scale searched for the least squared error (weight_quant.h); activations and
// biases stay float, so no calibration data is needed. The artifact keeps the codes packed (4 bits:
// two per byte) and the runtime decodes them to f32 once when the model loads (docs/artifact.md,
// "Packed constants"): the file shrinks, the kernels run in float.
//
// Groups: gemm, linear and matmul weights get one scale per block of `block_size` consecutive
// elements along their reduction axis K (per output channel when block_size is 0, or when K is
// shorter than a block). Conv weights [O, I/g, kh, kw] always get one scale per output channel:
// their reduction runs over I/g * kh * kw, which no single axis holds, and channels-last layouts
// move axis 1 (docs/quantization.md).
//
//   Expected<WeightOnlyReport> r = QuantizeWeightsOnly(graph, {.bits = 4, .block_size = 32});
//   r->packed_bytes;  r->layers[0].sqnr_db;
//
// With calibration data, each weight is rounded by GPTQ instead (passes/quantize/gptq.h): the
// reference runtime runs the float graph over the samples to build every layer's input Hessian
// (layer_hessian.h), and rounding errors are compensated along the reduction axis, where they
// cancel in the layer's output. Same groups, same storage. The report then also gives each
// layer's output SQNR on the calibration inputs, 10 log10(tr(W H W^T) / tr(dW H dW^T)), and the
// bias is corrected for the mean shift rounding leaves, (W - Wq) times the mean input
// (layer_gptq.h, LayerBiasShift).
//
// Not a registered pass: like static int8 it changes the numbers, which no pass may
// (tests/unit/passes/all_passes_test.cc); `kiln opt --quantize int4-weight` runs it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/status.h"
#include "passes/quantize/calibration.h"
#include "passes/quantize/layer_hessian.h"

namespace kiln::quant {

struct WeightOnlyOptions {
  int bits = 4;          // 4 or 8, symmetric
  int block_size = 32;   // 0: per output channel; else a multiple of 2, at least 2
  int64_t min_size = 0;  // weights with fewer elements stay float
  // With calibration: round by GPTQ (else to nearest, the calibration then serving the report
  // and the bias correction only).
  bool gptq = true;
  // With calibration: add each layer's mean output shift over the calibration inputs back to
  // its bias (a conv, linear or gemm without one gets one; a matmul has none).
  bool bias_correction = true;
  // When set, only the ops it accepts (of those above) are quantized.
  std::function<bool(const ir::Op&)> accept = nullptr;
};

struct WeightOnlyLayer {
  std::string node;
  std::string kind;
  std::string grouping;  // "per channel (axis 0)" or "blocks of 32 along axis 1"
  int64_t elements = 0;
  int64_t float_bytes = 0;               // 4 per element
  int64_t packed_bytes = 0;              // codes, scales
  double sqnr_db = 0;                    // of the dequantized weights against the float ones
  std::string method;                    // "round to nearest" or "GPTQ"
  std::optional<double> output_sqnr_db;  // with calibration: of the layer's output (see above)
  bool bias_corrected = false;
};

struct WeightOnlyReport {
  std::vector<WeightOnlyLayer> layers;  // in program order
  int64_t float_bytes = 0;
  int64_t packed_bytes = 0;
};

// Fails on bad options or a weight that is not finite, naming the node. With `calibration`
// (batches of the graph's inputs), weights are rounded by GPTQ; errors in the data name the
// batch.
Expected<WeightOnlyReport> QuantizeWeightsOnly(ir::Graph& graph, const WeightOnlyOptions& options,
                                               CalibrationSource* calibration = nullptr,
                                               const LayerHessianOptions& hessians = {});

}  // namespace kiln::quant
