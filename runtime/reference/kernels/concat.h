// Concat: joins tensors of one dtype along an axis; all other dims must agree. Empty inputs
// (zero along the axis) are allowed.
//
//   rt::Result<Tensor> y = Concat(std::vector<Tensor>{a, b}, 1);   // [2,3] ++ [2,5] -> [2,8]
#pragma once

#include <cstdint>
#include <span>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Concat(std::span<const Tensor> inputs, int64_t axis);

}  // namespace kiln::ref
