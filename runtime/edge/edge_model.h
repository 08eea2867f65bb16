// A loaded `.kiln` artifact for the edge target, ready to run: one EdgeKernel per op (XNNPACK or
// portable) over the planned arena.
//
// Preparation (output dims, XNNPACK runtimes with packed weights, buffers) happens at the first
// Run and again only when an input's shape changes (a symbolic dim such as the batch). Within
// the dims the artifact was planned for the planned arena is used; beyond them each tensor gets
// its own slot, so any batch runs. Run copies the inputs into buffers of its own (XNNPACK may read
// a few bytes past a buffer) and never allocates when the shapes are the prepared ones. Outputs
// stay readable until the next Run.
//
//   rt::Result<std::unique_ptr<EdgeModel>> m = EdgeModel::Load("m.kiln", {.threads = 2});
//   TensorView x{rt::DType::kF32, dims, data};
//   if (rt::Status s = (*m)->Run({&x, 1}); !s.ok()) return s;
//   TensorView y = (*m)->output(0);
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/core/artifact.h"
#include "runtime/core/model_shapes.h"
#include "runtime/core/result.h"
#include "runtime/edge/edge_kernel.h"
#include "runtime/edge/xnn_api.h"

namespace kiln::edge {

struct EdgeOptions {
  int threads = 1;
};

using rt::TensorSpec;

// A dense row-major tensor someone else owns.
struct TensorView {
  rt::DType dtype = rt::DType::kF32;
  std::span<const int64_t> dims;
  const void* data = nullptr;
};

class EdgeModel {
 public:
  ~EdgeModel();
  EdgeModel(const EdgeModel&) = delete;
  EdgeModel& operator=(const EdgeModel&) = delete;

  // Loads and checks the artifact (target "edge") and creates every op's kernel.
  static rt::Result<std::unique_ptr<EdgeModel>> Load(const std::string& path,
                                                     const EdgeOptions& options);
  static rt::Result<std::unique_ptr<EdgeModel>> Create(std::unique_ptr<rt::Artifact> artifact,
                                                       const EdgeOptions& options);

  const std::vector<TensorSpec>& inputs() const { return inputs_; }
  const std::vector<TensorSpec>& outputs() const { return outputs_; }
  const rt::Artifact& artifact() const { return *artifact_; }

  // One tensor per model input, in order.
  rt::Status Run(std::span<const TensorView> inputs);
  // Output `i` of the last successful Run; valid until the next Run.
  TensorView output(int i) const;

  // What the last preparation chose, for tests and benchmarks.
  struct PrepareStats {
    bool planned_arena = true;
    size_t arena_bytes = 0;
    int xnnpack_segments = 0;  // XNNPACK runtimes (each a run of consecutive XNNPACK ops)
    int portable_steps = 0;    // portable kernels
  };
  const PrepareStats& prepare_stats() const { return stats_; }

 private:
  struct Prepared;
  EdgeModel(std::unique_ptr<rt::Artifact> artifact, const EdgeOptions& options);
  rt::Status CreateKernels();
  rt::Status CheckInputs(std::span<const TensorView> inputs) const;
  rt::Status Prepare(std::span<const TensorView> inputs);

  std::unique_ptr<rt::Artifact> artifact_;
  EdgeOptions options_;
  std::vector<TensorSpec> inputs_;
  std::vector<TensorSpec> outputs_;
  std::vector<std::unique_ptr<EdgeKernel>> kernels_;
  std::vector<rt::OpAttrs> attrs_;
  ThreadPool threadpool_;
  std::unique_ptr<Prepared> prepared_;
  PrepareStats stats_;
};

}  // namespace kiln::edge
