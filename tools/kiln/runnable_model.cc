#include "tools/kiln/runnable_model.h"

#include <cstring>
#include <string_view>

#include "runtime/cloud/cloud_model.h"
#include "runtime/edge/edge_model.h"
#include "runtime/reference/interpreter/executor.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "tools/kiln/model_io.h"

namespace kiln::cli {
namespace {

class ReferenceModel : public RunnableModel {
 public:
  ReferenceModel(std::unique_ptr<ir::Graph> graph, const RunnableOptions& options)
      : graph_(std::move(graph)),
        executor_(ref::CreateReferenceExecutor(*graph_)),
        threads_(options.threads) {
    for (int i = 0; i < graph_->num_inputs(); ++i) {
      const ir::Value* input = graph_->input(i);
      ModelInput spec;
      spec.name = input->name();
      spec.dtype = ref::DTypeOf(input->type()->scalar());
      spec.type = input->type()->ToString();
      for (const ir::Dim& d : input->type()->shape().dims()) {
        spec.dims.push_back(d.is_static() ? d.size() : -1);
      }
      inputs_.push_back(std::move(spec));
    }
    for (int i = 0; i < graph_->num_outputs(); ++i) {
      std::string name = graph_->output_name(i);
      output_names_.push_back(name.empty() ? graph_->output(i)->name() : name);
    }
  }
  const std::vector<ModelInput>& inputs() const override { return inputs_; }
  const std::vector<std::string>& output_names() const override { return output_names_; }
  std::string runtime_name() const override { return "reference"; }
  Expected<std::vector<ref::Tensor>> Run(const std::vector<ref::Tensor>& inputs) override {
    ref::RunOptions run_options;
    run_options.threads = threads_;
    return executor_->Run(inputs, run_options);
  }

 private:
  std::unique_ptr<ir::Graph> graph_;
  std::unique_ptr<ref::Executor> executor_;
  int threads_;
  std::vector<ModelInput> inputs_;
  std::vector<std::string> output_names_;
};

// cloud::TensorSpec or edge::TensorSpec.
template <typename Spec>
std::string SpecType(const Spec& spec) {
  std::string type = std::string(rt::DTypeName(spec.dtype)) + "[";
  for (size_t d = 0; d < spec.dims.size(); ++d) {
    if (d > 0) type += ",";
    type += spec.dims[d] >= 0 ? std::to_string(spec.dims[d]) : spec.symbols[d];
  }
  return type + "]";
}

class CloudRunnable : public RunnableModel {
 public:
  explicit CloudRunnable(std::unique_ptr<cloud::CloudModel> model) : model_(std::move(model)) {
    for (const cloud::TensorSpec& spec : model_->inputs()) {
      inputs_.push_back(
          {.name = spec.name, .dtype = spec.dtype, .dims = spec.dims, .type = SpecType(spec)});
    }
    for (const cloud::TensorSpec& spec : model_->outputs()) output_names_.push_back(spec.name);
  }
  const std::vector<ModelInput>& inputs() const override { return inputs_; }
  const std::vector<std::string>& output_names() const override { return output_names_; }
  std::string runtime_name() const override { return "cloud (oneDNN)"; }
  Expected<std::vector<ref::Tensor>> Run(const std::vector<ref::Tensor>& inputs) override {
    rt::Result<std::vector<ref::Tensor>> outputs = model_->Run(inputs);
    if (!outputs.ok()) return Status::Error(outputs.status().message());
    return std::move(*outputs);
  }
  bool StartProfiling() override {
    model_->SetProfiling(true);
    return true;
  }
  std::vector<OpTime> OpTimes() const override {
    const artifact::Model& model = model_->artifact().model();
    const int runs = std::max(model_->profiled_runs(), 1);
    std::vector<OpTime> times;
    for (size_t k = 0; k < model_->op_times_ms().size(); ++k) {
      const artifact::Op& op = *model.ops()->Get(static_cast<flatbuffers::uoffset_t>(k));
      times.push_back({.index = static_cast<int>(k),
                       .name = op.name() != nullptr ? op.name()->str() : "",
                       .kernel = op.kernel()->str(),
                       .mean_ms = model_->op_times_ms()[k] / runs});
    }
    return times;
  }

 private:
  std::unique_ptr<cloud::CloudModel> model_;
  std::vector<ModelInput> inputs_;
  std::vector<std::string> output_names_;
};

class EdgeRunnable : public RunnableModel {
 public:
  explicit EdgeRunnable(std::unique_ptr<edge::EdgeModel> model) : model_(std::move(model)) {
    for (const edge::TensorSpec& spec : model_->inputs()) {
      inputs_.push_back(
          {.name = spec.name, .dtype = spec.dtype, .dims = spec.dims, .type = SpecType(spec)});
    }
    for (const edge::TensorSpec& spec : model_->outputs()) output_names_.push_back(spec.name);
  }
  const std::vector<ModelInput>& inputs() const override { return inputs_; }
  const std::vector<std::string>& output_names() const override { return output_names_; }
  std::string runtime_name() const override { return "edge (XNNPACK)"; }
  Expected<std::vector<ref::Tensor>> Run(const std::vector<ref::Tensor>& inputs) override {
    std::vector<edge::TensorView> views;
    for (const ref::Tensor& x : inputs) views.push_back({x.dtype(), x.shape(), x.raw()});
    if (rt::Status s = model_->Run(views); !s.ok()) return Status::Error(s.message());
    std::vector<ref::Tensor> outputs;
    for (size_t o = 0; o < output_names_.size(); ++o) {
      const edge::TensorView y = model_->output(static_cast<int>(o));
      rt::Result<ref::Tensor> t =
          ref::Tensor::Empty(y.dtype, std::vector<int64_t>(y.dims.begin(), y.dims.end()));
      if (!t.ok()) return Status::Error(t.status().message());
      std::memcpy(t->mutable_raw(), y.data, static_cast<size_t>(t->num_bytes()));
      outputs.push_back(std::move(*t));
    }
    return outputs;
  }

 private:
  std::unique_ptr<edge::EdgeModel> model_;
  std::vector<ModelInput> inputs_;
  std::vector<std::string> output_names_;
};

}  // namespace

Expected<std::unique_ptr<RunnableModel>> OpenRunnableModel(const std::string& path,
                                                           const RunnableOptions& options,
                                                           ir::Context& ctx) {
  if (options.threads < 1) return Status::Error("--threads must be at least 1");
  if (std::string_view(path).ends_with(".kiln")) {
    // The runtime of the target the artifact was compiled for.
    rt::Result<std::unique_ptr<rt::Artifact>> artifact = rt::Artifact::Load(path, "");
    if (!artifact.ok()) return Status::Error(artifact.status().message());
    if ((*artifact)->model().target()->string_view() == "edge") {
      rt::Result<std::unique_ptr<edge::EdgeModel>> model =
          edge::EdgeModel::Create(std::move(*artifact), {.threads = options.threads});
      if (!model.ok()) return Status::Error(model.status().message());
      return std::unique_ptr<RunnableModel>(new EdgeRunnable(std::move(*model)));
    }
    rt::Result<std::unique_ptr<cloud::CloudModel>> model =
        cloud::CloudModel::Create(std::move(*artifact), {.threads = options.threads});
    if (!model.ok()) return Status::Error(model.status().message());
    return std::unique_ptr<RunnableModel>(new CloudRunnable(std::move(*model)));
  }
  Expected<std::unique_ptr<ir::Graph>> graph = LoadModel(path, ctx);
  if (!graph) return graph.error();
  return std::unique_ptr<RunnableModel>(new ReferenceModel(std::move(*graph), options));
}

}  // namespace kiln::cli
