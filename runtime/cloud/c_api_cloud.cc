// The cloud runtime's adapter for the C API (kiln/runtime.h): capi::LoadModel over CloudModel.
// The C layer itself (argument checks, messages, guards) is runtime/core/c_api.cc; both make
// the static library kiln_runtime_c. CloudModel::Run takes reference tensors, so an input is
// borrowed as one (copied first when its data is not aligned for its dtype), and the run's
// output tensors stay here until the next run.
//
//   rt::Result<std::unique_ptr<capi::Model>> m = capi::LoadModel({.path = "m.kiln"}, {});
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "runtime/cloud/cloud_model.h"
#include "runtime/core/artifact.h"
#include "runtime/core/c_api_model.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::capi {
namespace {

using ref::Tensor;

// A tensor over the caller's bytes, or a copy of them when they are not aligned for the dtype.
Outcome WrapInput(const TensorView& x, Tensor& out) {
  ref::Shape shape(x.dims.begin(), x.dims.end());
  const size_t align = std::max<size_t>(1, static_cast<size_t>(rt::DTypeBits(x.dtype) / 8));
  if (reinterpret_cast<uintptr_t>(x.data) % align == 0) {
    out = Tensor::Borrow(x.dtype, std::move(shape), x.data, nullptr);
    return Ok();
  }
  rt::Result<Tensor> copy = Tensor::Empty(x.dtype, std::move(shape));
  if (!copy.ok()) return Fail(KILN_STATUS_OUT_OF_MEMORY, copy.status().message());
  const size_t bytes = static_cast<size_t>(copy->num_bytes());
  if (bytes > 0) std::memcpy(copy->mutable_raw(), x.data, bytes);
  out = std::move(*copy);
  return Ok();
}

class CloudCModel final : public Model {
 public:
  explicit CloudCModel(std::unique_ptr<cloud::CloudModel> model) : model_(std::move(model)) {
    run_inputs_.resize(model_->inputs().size());
  }

  const std::vector<TensorSpec>& inputs() const override { return model_->inputs(); }
  const std::vector<TensorSpec>& outputs() const override { return model_->outputs(); }

  Outcome Run(std::span<const TensorView> inputs) override {
    results_.clear();
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (Outcome o = WrapInput(inputs[i], run_inputs_[i]); !o.ok()) return o;
    }
    rt::Result<std::vector<Tensor>> outputs = model_->Run(run_inputs_);
    // The caller's buffers are not kept past the call.
    for (Tensor& t : run_inputs_) t = Tensor();
    if (!outputs.ok()) return Fail(KILN_STATUS_RUN_FAILED, outputs.status().message());
    results_ = std::move(*outputs);
    return Ok();
  }

  TensorView output(size_t i) const override {
    const Tensor& y = results_[i];
    return {.dtype = y.dtype(), .dims = y.shape(), .data = y.raw()};
  }

 private:
  std::unique_ptr<cloud::CloudModel> model_;
  std::vector<Tensor> run_inputs_;  // reused from run to run
  std::vector<Tensor> results_;     // of the last successful run
};

}  // namespace

rt::Result<std::unique_ptr<Model>> LoadModel(const ArtifactSource& source,
                                             const ModelOptions& options) {
  rt::Result<std::unique_ptr<rt::Artifact>> artifact =
      source.path != nullptr ? rt::Artifact::Load(source.path, "cloud")
                             : rt::Artifact::FromBytes(source.bytes, "<memory>", "cloud");
  if (!artifact.ok()) return artifact.status();
  rt::Result<std::unique_ptr<cloud::CloudModel>> model =
      cloud::CloudModel::Create(std::move(*artifact), {.threads = options.threads});
  if (!model.ok()) return model.status();
  return std::unique_ptr<Model>(std::make_unique<CloudCModel>(std::move(*model)));
}

const char* RuntimeTarget() noexcept { return "cloud"; }

}  // namespace kiln::capi
