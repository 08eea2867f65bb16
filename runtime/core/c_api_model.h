// The model that the runtime C API (kiln/runtime.h) drives, as each runtime provides it. The C
// layer (runtime/core/c_api.cc) is target-neutral: it checks every argument against the specs
// below, keeps the error text, and turns exceptions into statuses. Each runtime's C library adds
// one adapter file that defines LoadModel and RuntimeTarget over its own model class
// (runtime/cloud/c_api_cloud.cc over CloudModel, runtime/edge/c_api_edge.cc over EdgeModel).
// Nothing here names a runtime: runtime/core depends on none of them.
//
//   rt::Result<std::unique_ptr<capi::Model>> m = capi::LoadModel({.path = "m.kiln"}, {});
//   capi::Outcome o = (*m)->Run(inputs);      // inputs already checked against (*m)->inputs()
//   capi::TensorView y = (*m)->output(0);     // valid until the next Run
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kiln/runtime.h"
#include "runtime/core/dtype.h"
#include "runtime/core/result.h"
#include "runtime/core/tensor_spec.h"

namespace kiln::capi {

// A model input or output as the artifact declares it: dims with -1 for a symbolic dim.
using rt::TensorSpec;

// A dense row-major tensor someone else owns.
struct TensorView {
  rt::DType dtype = rt::DType::kF32;
  std::span<const int64_t> dims;
  const void* data = nullptr;
};

// The outcome of a call: OK, or a status and its one-line message.
struct Outcome {
  kiln_status status = KILN_STATUS_OK;
  std::string message;
  bool ok() const { return status == KILN_STATUS_OK; }
};
inline Outcome Ok() { return {}; }
inline Outcome Fail(kiln_status status, std::string message) {
  return {status, std::move(message)};
}

struct ModelOptions {
  int threads = 1;  // >= 1, checked by the C layer
};

// Where the artifact comes from: the file at `path` when it is set, else `bytes` (which the
// loader copies; messages call them "<memory>").
struct ArtifactSource {
  const char* path = nullptr;
  std::span<const uint8_t> bytes;
};

class Model {
 public:
  virtual ~Model() = default;

  virtual const std::vector<TensorSpec>& inputs() const = 0;
  virtual const std::vector<TensorSpec>& outputs() const = 0;

  // One view per input, in order, each already checked by the C layer: the input's dtype and
  // rank, its static dims, symbols bound consistently, data non-null unless empty. The data may
  // have any alignment. Returns KILN_STATUS_RUN_FAILED (or OUT_OF_MEMORY) with a message when
  // the run fails; the views are not kept past the call.
  virtual Outcome Run(std::span<const TensorView> inputs) = 0;
  // Output `i` of the last successful Run (i < outputs().size()); its dims and data stay valid
  // until the next Run or the model's destruction.
  virtual TensorView output(size_t i) const = 0;
};

// Defined once per runtime, by its adapter. Loads and checks the artifact (for this runtime's
// target) and creates the model; an error's message names the file (or "<memory>").
rt::Result<std::unique_ptr<Model>> LoadModel(const ArtifactSource& source,
                                             const ModelOptions& options);
// The runtime's target name, "cloud" or "edge" (kiln_runtime_version says it). Static storage.
const char* RuntimeTarget() noexcept;

}  // namespace kiln::capi
