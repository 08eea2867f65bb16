// What one op of an edge `.kiln` artifact becomes in the edge runtime: an EdgeKernel, created by
// the factory its kernel key names (kernel_registry.h), prepared once per set of input shapes,
// bound to its buffers once per preparation, then run many times.
//
// Every tensor is dense and row-major in the layout the compiler chose: 4-D activations around
// convolutions and pools are NHWC (codegen/edge), weights are in XNNPACK's layouts. Kernels either
// build a small XNNPACK runtime (xnn_kernel.h) or call a portable kernel (portable/).
//
//   std::unique_ptr<EdgeKernel> k = registry.Find("conv")();
//   rt::Status s = k->Prepare(ctx);          // output dims; XNNPACK runtime, weights packed
//   s = k->Bind(inputs, outputs);            // the buffers (fixed for this preparation)
//   s = k->Run();                            // no allocation
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "codegen/schema/kiln_artifact_generated.h"
#include "runtime/core/dtype.h"
#include "runtime/core/op_attrs.h"
#include "runtime/core/result.h"
#include "runtime/edge/portable/dims.h"

typedef struct pthreadpool* pthreadpool_t;

namespace kiln::edge {

using Dims = std::vector<int64_t>;

// One tensor while preparing: dims for this preparation; a constant's bytes.
struct TensorInfo {
  rt::DType dtype = rt::DType::kF32;
  Dims dims;                   // -1 for a dim the producing kernel has not computed yet
  const void* data = nullptr;  // a constant's bytes; null for every other tensor
  // A quantized tensor's parameters (checked when the artifact loaded); null for the others.
  const artifact::Quant* quant = nullptr;
  bool is_constant() const { return data != nullptr; }
};

struct PrepareContext {
  const artifact::Op& op;
  const rt::OpAttrs& attrs;
  std::span<const TensorInfo* const> inputs;  // null for an absent optional input
  std::span<TensorInfo* const> outputs;       // the kernel sets dims (dtype is the artifact's)
  pthreadpool_t threadpool = nullptr;         // null: run on the caller's thread
  std::string where;                          // "op 3 ('Conv_3', conv)", for messages
};

class XnnKernel;

class EdgeKernel {
 public:
  virtual ~EdgeKernel() = default;
  // Non-null when the op runs as a node of an XNNPACK Subgraph (after Prepare): the executor then
  // builds the Subgraph and calls neither Bind nor Run.
  virtual XnnKernel* AsXnn() { return nullptr; }
  // Computes output dims, checks attributes and operands, creates what runs (an XNNPACK runtime
  // with packed weights). Called again when the input shapes change.
  virtual rt::Status Prepare(const PrepareContext& ctx) = 0;
  // The buffers of this preparation: inputs (null if absent) and outputs. XNNPACK may read up to
  // 16 bytes past an input (the executor pads every buffer).
  virtual rt::Status Bind(std::span<const void* const> inputs, std::span<void* const> outputs) = 0;
  virtual rt::Status Run() = 0;
};

using portable::NumElements;
// "[1,3,224,224]".
std::string DimsString(std::span<const int64_t> dims);

}  // namespace kiln::edge
