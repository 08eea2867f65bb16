// A model input or output as callers see it: the runtimes, the C API layer and the CLI share it.
//
//   TensorSpec x{.name = "input", .dims = {-1, 3, 224, 224}, .symbols = {"N", "", "", ""}};
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/dtype.h"

namespace kiln::rt {

struct TensorSpec {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> dims;         // -1 for a symbolic dim
  std::vector<std::string> symbols;  // empty, or one per dim ("" for a static dim)
};

}  // namespace kiln::rt
