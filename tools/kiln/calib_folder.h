// A calibration data folder (`--calib DIR`) as a quantization CalibrationSource.
//
// Layout: for a model with one input, every `*.npy` file directly in DIR, in name order; for a
// model with several inputs, a subfolder per input name holding the same number of `*.npy`
// files, paired in name order (DIR/ids/000.npy goes with DIR/mask/000.npy). Each file holds one
// sample (the input's shape without its leading batch dim) or a batch (the input's rank); one
// file is one batch, so memory follows the largest file, not the number of files. Files are
// read when their batch is needed. Errors name the file: "'calib/003.npy': shape [3,32,32] does
// not fit input 'image' f32[N,1,28,28]".
//
//   Expected<std::unique_ptr<FolderSource>> s = FolderSource::Open("calib", graph);
//   Expected<CalibrationStats> stats = quant::Calibrate(graph, **s);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/status.h"
#include "passes/quantize/calibration.h"

namespace kiln::cli {

class FolderSource : public quant::CalibrationSource {
 public:
  static Expected<std::unique_ptr<FolderSource>> Open(const std::string& dir,
                                                      const ir::Graph& graph);

  int64_t num_batches() const override { return static_cast<int64_t>(files_.size()); }
  Expected<std::optional<std::vector<ref::Tensor>>> Next() override;
  void Rewind() override { next_ = 0; }

 private:
  struct InputSpec {
    std::string name;
    ref::DType dtype;
    std::vector<int64_t> dims;  // -1: not static
    std::string type;           // for messages
  };
  std::vector<InputSpec> inputs_;
  std::vector<std::vector<std::string>> files_;  // per batch, one path per input
  size_t next_ = 0;
};

}  // namespace kiln::cli
