// A loaded `.kiln` artifact for the cloud target, ready to run: one CloudKernel per op over the
// planned arena, on oneDNN where there is a kernel and on runtime/reference's kernels
// elsewhere.
//
// Preparation (kernel primitives, weight packing, layouts, the arena) happens once per set of
// input shapes: at the first Run and again only when an input's shape changes (a symbolic dim
// such as the batch). Within the dims the artifact was planned for (its `dims` table) the
// planned arena is used; beyond them each tensor gets its own slot (a linear re-plan), so any
// batch runs. Run never allocates when the shapes are the ones prepared (except the returned
// output tensors).
//
//   rt::Result<std::unique_ptr<CloudModel>> m = CloudModel::Load("m.kiln", {.threads = 2});
//   rt::Result<std::vector<ref::Tensor>> y = (*m)->Run({x});
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/cloud/cloud_kernel.h"
#include "runtime/core/artifact.h"
#include "runtime/core/model_shapes.h"
#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::cloud {

struct CloudOptions {
  int threads = 1;
};

using rt::TensorSpec;

class CloudModel {
 public:
  ~CloudModel();
  CloudModel(const CloudModel&) = delete;
  CloudModel& operator=(const CloudModel&) = delete;

  // Loads and checks the artifact (target "cloud") and creates every op's kernel.
  static rt::Result<std::unique_ptr<CloudModel>> Load(const std::string& path,
                                                      const CloudOptions& options);
  static rt::Result<std::unique_ptr<CloudModel>> Create(std::unique_ptr<rt::Artifact> artifact,
                                                        const CloudOptions& options);

  const std::vector<TensorSpec>& inputs() const { return inputs_; }
  const std::vector<TensorSpec>& outputs() const { return outputs_; }
  const rt::Artifact& artifact() const { return *artifact_; }

  // One tensor per model input, in order; returns one plain tensor per model output.
  rt::Result<std::vector<ref::Tensor>> Run(std::span<const ref::Tensor> inputs);

  // What the last preparation chose, for tests and `kiln bench`: tensors kept in a blocked
  // layout, reorders inserted, and whether the planned arena was used.
  struct PrepareStats {
    int blocked_tensors = 0;
    int reorders = 0;
    bool planned_arena = true;
    size_t arena_bytes = 0;
    size_t scratch_bytes = 0;
  };
  const PrepareStats& prepare_stats() const { return stats_; }

  // Per-op timing for `kiln bench --profile`: while on, each Run adds every op's wall time (its
  // input reorders included) to op_times_ms()[op index]. Costs two clock reads per op. Turning it
  // on clears the sums.
  void SetProfiling(bool on);
  const std::vector<double>& op_times_ms() const { return op_times_ms_; }
  int profiled_runs() const { return profiled_runs_; }

 private:
  struct Prepared;
  CloudModel(std::unique_ptr<rt::Artifact> artifact, const CloudOptions& options);
  rt::Status CreateKernels();
  rt::Status Prepare(std::span<const ref::Tensor> inputs);
  rt::Status CheckInputs(std::span<const ref::Tensor> inputs) const;

  std::unique_ptr<rt::Artifact> artifact_;
  CloudOptions options_;
  std::vector<TensorSpec> inputs_;
  std::vector<TensorSpec> outputs_;
  std::vector<std::unique_ptr<CloudKernel>> kernels_;
  std::vector<rt::OpAttrs> attrs_;
  std::unique_ptr<Prepared> prepared_;
  PrepareStats stats_;
  bool profiling_ = false;
  std::vector<double> op_times_ms_;
  int profiled_runs_ = 0;
};

}  // namespace kiln::cloud
