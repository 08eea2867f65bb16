// What `kiln run` and `kiln bench` run: a model behind one interface, whichever runtime it
// needs. `.onnx` and `.kir` run on the reference runtime; a `.kiln` artifact on the runtime of
// the target it was compiled for (cloud or edge).
//
//   ir::Context ctx;
//   Expected<std::unique_ptr<RunnableModel>> m = OpenRunnableModel("m.kiln", {.threads = 2}, ctx);
//   Expected<std::vector<ref::Tensor>> y = (*m)->Run(inputs);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/context.h"
#include "ir/status.h"
#include "runtime/core/dtype.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::cli {

struct ModelInput {
  std::string name;
  rt::DType dtype = rt::DType::kF32;
  std::vector<int64_t> dims;  // -1 for a symbolic or unknown dim
  std::string type;           // for messages: "f32[N,3,224,224]"
};

struct RunnableOptions {
  int threads = 1;
};

// One op's mean time over the profiled runs (`kiln bench --profile`).
struct OpTime {
  int index = 0;       // in execution order
  std::string name;    // the source node's name
  std::string kernel;  // "conv", "transpose"
  double mean_ms = 0;
};

class RunnableModel {
 public:
  virtual ~RunnableModel() = default;
  virtual const std::vector<ModelInput>& inputs() const = 0;
  virtual const std::vector<std::string>& output_names() const = 0;
  // "reference", "cloud (oneDNN)", "edge (XNNPACK)".
  virtual std::string runtime_name() const = 0;
  virtual Expected<std::vector<ref::Tensor>> Run(const std::vector<ref::Tensor>& inputs) = 0;
  // Per-op timing of the following runs; false when the runtime cannot (the reference one).
  virtual bool StartProfiling() { return false; }
  // Every op's mean time since StartProfiling, in execution order.
  virtual std::vector<OpTime> OpTimes() const { return {}; }
};

Expected<std::unique_ptr<RunnableModel>> OpenRunnableModel(const std::string& path,
                                                           const RunnableOptions& options,
                                                           ir::Context& ctx);

}  // namespace kiln::cli
