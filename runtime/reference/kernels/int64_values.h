// Reads a small integer tensor (a shape, indices, pads, slice bounds) as int64 values, whatever
// its integer dtype; the operands that ONNX types as "i32 or i64" all go through here.
//
//   rt::Result<std::vector<int64_t>> dims = ReadInt64Values(shape_tensor, "shape");
//   if (!dims.ok()) return dims.status();
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

// Every element in row-major order; an error naming `what` for float, bool or sub-byte tensors.
rt::Result<std::vector<int64_t>> ReadInt64Values(const Tensor& t, std::string_view what);

}  // namespace kiln::ref
