// The edge runtime's adapter for the C API (kiln/runtime.h): capi::LoadModel over EdgeModel.
// The C layer itself (argument checks, messages, guards) is runtime/core/c_api.cc; both make
// the shared library libkiln_edge.so (target kiln_edge_shared). EdgeModel takes plain views and
// copies the inputs into its own padded buffers (so any alignment is fine), and its output views
// stay valid until the next run: the adapter only converts the specs.
//
//   rt::Result<std::unique_ptr<capi::Model>> m = capi::LoadModel({.path = "m.kiln"}, {});
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "runtime/core/artifact.h"
#include "runtime/core/c_api_model.h"
#include "runtime/edge/edge_model.h"

namespace kiln::capi {
namespace {

class EdgeCModel final : public Model {
 public:
  explicit EdgeCModel(std::unique_ptr<edge::EdgeModel> model) : model_(std::move(model)) {
    run_inputs_.resize(model_->inputs().size());
  }

  const std::vector<TensorSpec>& inputs() const override { return model_->inputs(); }
  const std::vector<TensorSpec>& outputs() const override { return model_->outputs(); }

  Outcome Run(std::span<const TensorView> inputs) override {
    for (size_t i = 0; i < inputs.size(); ++i) {
      run_inputs_[i] = {.dtype = inputs[i].dtype, .dims = inputs[i].dims, .data = inputs[i].data};
    }
    rt::Status s = model_->Run(run_inputs_);
    // The caller's buffers are not kept past the call.
    for (edge::TensorView& v : run_inputs_) v = edge::TensorView();
    if (!s.ok()) return Fail(KILN_STATUS_RUN_FAILED, s.message());
    return Ok();
  }

  TensorView output(size_t i) const override {
    const edge::TensorView y = model_->output(static_cast<int>(i));
    return {.dtype = y.dtype, .dims = y.dims, .data = y.data};
  }

 private:
  std::unique_ptr<edge::EdgeModel> model_;
  std::vector<edge::TensorView> run_inputs_;  // reused from run to run
};

}  // namespace

rt::Result<std::unique_ptr<Model>> LoadModel(const ArtifactSource& source,
                                             const ModelOptions& options) {
  rt::Result<std::unique_ptr<rt::Artifact>> artifact =
      source.path != nullptr ? rt::Artifact::Load(source.path, "edge")
                             : rt::Artifact::FromBytes(source.bytes, "<memory>", "edge");
  if (!artifact.ok()) return artifact.status();
  rt::Result<std::unique_ptr<edge::EdgeModel>> model =
      edge::EdgeModel::Create(std::move(*artifact), {.threads = options.threads});
  if (!model.ok()) return model.status();
  return std::unique_ptr<Model>(std::make_unique<EdgeCModel>(std::move(*model)));
}

const char* RuntimeTarget() noexcept { return "edge"; }

}  // namespace kiln::capi
