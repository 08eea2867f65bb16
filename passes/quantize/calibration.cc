#include "passes/quantize/calibration.h"

#include <memory>
#include <span>
#include <string>

#include "ir/op.h"
#include "runtime/reference/interpreter/executor.h"

namespace kiln::quant {

Expected<std::optional<std::vector<ref::Tensor>>> TensorListSource::Next() {
  if (next_ >= batches_.size()) return std::optional<std::vector<ref::Tensor>>();
  return std::optional<std::vector<ref::Tensor>>(batches_[next_++]);
}

const TensorObserver* CalibrationStats::observer(const ir::Value* value) const {
  auto it = observers_.find(value);
  return it == observers_.end() ? nullptr : &it->second;
}

namespace {

void ObserveTensor(TensorObserver& observer, const ref::Tensor& t) {
  if (t.dtype() != ref::DType::kF32 || t.raw() == nullptr) return;
  observer.Observe(std::span<const float>(t.data<float>(), static_cast<size_t>(t.num_elements())));
}

}  // namespace

Expected<int64_t> ObserveBatches(
    const ir::Graph& graph, CalibrationSource& source, int threads, const BatchObserver& observe,
    const std::function<void(const std::vector<ref::Tensor>& inputs)>& after_batch) {
  std::unique_ptr<ref::Executor> executor = ref::CreateReferenceExecutor(graph);
  Status failed = Status::Ok();
  ref::RunOptions run;
  run.threads = threads;
  run.observer = [&](const ir::Value& v, const ref::Tensor& t) {
    if (failed.ok()) failed = observe(v, t);
  };

  source.Rewind();
  int64_t batches = 0;
  while (true) {
    Expected<std::optional<std::vector<ref::Tensor>>> batch = source.Next();
    if (!batch) return batch.error();
    if (!batch->has_value()) break;
    const std::vector<ref::Tensor>& inputs = **batch;
    const std::string where = "calibration batch " + std::to_string(batches + 1) + ": ";
    if (static_cast<int>(inputs.size()) != graph.num_inputs()) {
      return Status::Error(where + std::to_string(inputs.size()) + " tensors for " +
                           std::to_string(graph.num_inputs()) + " graph inputs");
    }
    for (int i = 0; i < graph.num_inputs() && failed.ok(); ++i) {
      failed = observe(*graph.input(i), inputs[i]);
    }
    Expected<std::vector<ref::Tensor>> out = executor->Run(inputs, run);
    if (!out) return Status::Error(where + out.error().message());
    if (!failed.ok()) return Status::Error(where + failed.message());
    ++batches;
    if (after_batch) after_batch(inputs);
  }
  return batches;
}

Expected<CalibrationStats> Calibrate(const ir::Graph& graph, CalibrationSource& source,
                                     const CalibrationOptions& options) {
  CalibrationStats stats;
  std::map<const ir::Value*, TensorObserver>& observers = stats.observers_;
  auto observe = [&](const ir::Value& v, const ref::Tensor& t) {
    if (v.type()->scalar() != ir::ScalarType::kF32 || v.type()->is_quantized()) return Status::Ok();
    auto it = observers.find(&v);
    if (it == observers.end()) it = observers.emplace(&v, TensorObserver(options.num_bins)).first;
    ObserveTensor(it->second, t);
    return Status::Ok();
  };
  const int64_t total = source.num_batches();
  Expected<int64_t> batches = ObserveBatches(
      graph, source, options.threads, observe, [&](const std::vector<ref::Tensor>& inputs) {
        ++stats.num_batches_;
        stats.num_samples_ += inputs.empty() || inputs[0].rank() == 0 ? 1 : inputs[0].dim(0);
        if (options.progress) options.progress(stats.num_batches_, total);
      });
  if (!batches) return batches.error();
  if (stats.num_batches_ == 0) return Status::Error("the calibration data holds no samples");
  return stats;
}

}  // namespace kiln::quant
