// The `--input NAME=FILE.npy` flags of `kiln run` and `kiln bench`: one tensor per model
// input, in the model's order, each checked against the input's dtype. A bare FILE.npy names
// the only input of a one-input model; a missing, doubled or unknown name is an error that
// lists the model's inputs.
//
//   Expected<std::vector<ref::Tensor>> x = ReadInputFiles({"x=in.npy"}, model, "m.kiln");
#pragma once

#include <string>
#include <vector>

#include "ir/status.h"
#include "runtime/reference/kernels/tensor.h"
#include "tools/kiln/runnable_model.h"

namespace kiln::cli {

Expected<std::vector<ref::Tensor>> ReadInputFiles(const std::vector<std::string>& flags,
                                                  const RunnableModel& model,
                                                  const std::string& model_path);

}  // namespace kiln::cli
