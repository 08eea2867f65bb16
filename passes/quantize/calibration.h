// Calibration: runs a float graph on the reference runtime over a stream of sample inputs and
// feeds every float value it computes (graph inputs and op results) to a streaming
// TensorObserver, so quantization can choose each tensor's range. Memory holds one batch's
// values and one fixed-size histogram per value: it does not grow with the number of samples.
//
//   FolderSource source(...);                       // any CalibrationSource (tools/kiln has one)
//   Expected<CalibrationStats> stats = Calibrate(graph, source, {.threads = 2});
//   Range r = stats->observer(value)->Compute({.method = RangeMethod::kEntropy});
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "ir/graph.h"
#include "ir/status.h"
#include "passes/quantize/observer.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::quant {

// Sample inputs, one tensor per graph input (by position) per batch.
class CalibrationSource {
 public:
  virtual ~CalibrationSource() = default;
  // The number of batches Next() gives from the start (for progress and sizing).
  virtual int64_t num_batches() const = 0;
  // The next batch; nullopt after the last. Errors name the file.
  virtual Expected<std::optional<std::vector<ref::Tensor>>> Next() = 0;
  // Starts again from the first batch (error analysis reads the samples more than once).
  virtual void Rewind() = 0;
};

// Batches held in memory, for tests and for callers that have the tensors already.
class TensorListSource : public CalibrationSource {
 public:
  explicit TensorListSource(std::vector<std::vector<ref::Tensor>> batches)
      : batches_(std::move(batches)) {}
  int64_t num_batches() const override { return static_cast<int64_t>(batches_.size()); }
  Expected<std::optional<std::vector<ref::Tensor>>> Next() override;
  void Rewind() override { next_ = 0; }

 private:
  std::vector<std::vector<ref::Tensor>> batches_;
  size_t next_ = 0;
};

// Called after each batch with (batches done, total): a progress bar, or nothing.
using ProgressFn = std::function<void(int64_t done, int64_t total)>;

struct CalibrationOptions {
  int threads = 1;
  int num_bins = 2048;
  ProgressFn progress = nullptr;
};

class CalibrationStats {
 public:
  // Null for a value that was never observed (not float, or not in the graph).
  const TensorObserver* observer(const ir::Value* value) const;
  int64_t num_batches() const { return num_batches_; }
  int64_t num_samples() const { return num_samples_; }  // leading dim summed over batches

 private:
  friend Expected<CalibrationStats> Calibrate(const ir::Graph&, CalibrationSource&,
                                              const CalibrationOptions&);
  std::map<const ir::Value*, TensorObserver> observers_;
  int64_t num_batches_ = 0;
  int64_t num_samples_ = 0;
};

// The reference runtime's pass over calibration data that Calibrate and the layer Hessians
// (layer_hessian.h) share: runs `graph` over every batch of `source`, from its start, calling
// `observe` for each graph input and each op result of the top-level graph, then `after_batch`
// with the batch's inputs. An error from either stops the run; every error names the batch
// ("calibration batch 3: ..."), and a batch without one tensor per graph input is one. Returns
// the number of batches.
using BatchObserver = std::function<Status(const ir::Value& value, const ref::Tensor& tensor)>;
Expected<int64_t> ObserveBatches(
    const ir::Graph& graph, CalibrationSource& source, int threads, const BatchObserver& observe,
    const std::function<void(const std::vector<ref::Tensor>& inputs)>& after_batch = nullptr);

// Runs `graph` (the top-level graph; regions are not observed) over every batch of `source`,
// from its start. Fails on an empty source or an input the graph rejects (the error names the
// batch).
Expected<CalibrationStats> Calibrate(const ir::Graph& graph, CalibrationSource& source,
                                     const CalibrationOptions& options = {});

}  // namespace kiln::quant
