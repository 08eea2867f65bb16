// What one op of a `.kiln` artifact becomes in the cloud runtime: a CloudKernel, created by
// the factory its kernel key names (kernel_registry.h), prepared once per set of input shapes,
// then run many times.
//
// Layouts: every tensor has a oneDNN memory descriptor. Model inputs and outputs and constants
// are plain (row-major). A kernel chooses its outputs' layouts in Prepare (a oneDNN kernel may
// pick a blocked layout such as nChw16c, unless the executor says an output must be plain), and
// says in `required` which layout it needs each input in; the executor reorders an input whose
// producer chose another layout into a buffer of its own before the kernel runs. So blocked
// layouts flow from one oneDNN op to the next and are converted only at boundaries.
//
//   std::unique_ptr<CloudKernel> k = registry.Find("relu")();
//   rt::Status s = k->Prepare(prepare_context);   // sets output dims/layouts, makes primitives
//   s = k->Run(run_context);                       // pointers into the arena, no allocation
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "codegen/schema/kiln_artifact_generated.h"
#include "runtime/cloud/dnnl_api.h"
#include "runtime/core/dtype.h"
#include "runtime/core/op_attrs.h"
#include "runtime/core/result.h"

namespace kiln::cloud {

// One tensor while preparing: its dims for this preparation and its layout.
struct TensorInfo {
  rt::DType dtype = rt::DType::kF32;
  Dims dims;
  memory::desc desc;           // the layout its bytes are in
  const void* data = nullptr;  // a constant's bytes (plain); null for every other tensor
  // A quantized tensor's parameters (checked when the artifact loaded); null for the others.
  const artifact::Quant* quant = nullptr;
  bool is_constant() const { return data != nullptr; }
};

struct PrepareContext {
  const artifact::Op& op;
  const rt::OpAttrs& attrs;
  std::span<const TensorInfo* const> inputs;  // null for an absent optional input
  std::span<TensorInfo* const> outputs;       // the kernel sets dtype (checked), dims and desc
  // The executor's wish: output i must be plain (a model output, or a consumer wants it plain).
  std::span<const bool> output_must_be_plain;
  // The kernel sets required[i] to the layout it reads input i in; left zero (desc()) it means
  // "as it comes". The executor reorders when the producer's layout differs.
  std::span<memory::desc> required;
  int threads = 1;
  // The kernel adds the scratchpad bytes it needs (oneDNN user-mode scratchpad); the executor
  // allocates the largest request once and passes it to Run.
  size_t scratchpad_bytes = 0;
  // Name for messages: "op 3 ('Conv_3', conv)".
  std::string where;
};

struct RunContext {
  std::span<void* const> inputs;   // in the layouts the kernel required; null if absent
  std::span<void* const> outputs;  // in the layouts the kernel chose
  void* scratchpad = nullptr;      // at least the bytes the kernel asked for
  dnnl::stream& stream;
  int threads = 1;
};

class CloudKernel {
 public:
  virtual ~CloudKernel() = default;
  // True if the kernel can read input `i` in a blocked layout without a reorder of its own
  // choosing (oneDNN ops); fallback kernels read plain only. Used before Prepare, to decide
  // which tensors should be produced plain in the first place.
  virtual bool ReadsBlocked(int input) const {
    (void)input;
    return false;
  }
  // Computes output dims, chooses output layouts, creates primitives and packs weights. Called
  // again when the input shapes change.
  virtual rt::Status Prepare(PrepareContext& ctx) = 0;
  virtual rt::Status Run(const RunContext& ctx) = 0;
};

}  // namespace kiln::cloud
