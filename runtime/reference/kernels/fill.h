// Fill: a tensor of one repeated value, converted from double to the requested dtype (what
// constant_of_shape needs). Floats round to nearest even (f16/bf16 too), integers truncate
// toward zero and saturate, bool is value != 0; sub-byte types are packed.
//
//   rt::Result<Tensor> ones = Fill(DType::kI64, {2, 3}, 1.0);
#pragma once

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Fill(DType dtype, const Shape& shape, double value);

}  // namespace kiln::ref
