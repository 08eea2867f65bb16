// Expand (ONNX): broadcasts a tensor to the bidirectional broadcast of its shape and `shape`
// (numpy rules: align trailing dims; a dim of 1 stretches), so the result may be larger than
// `shape` asks, never smaller.
//
//   rt::Result<Tensor> y = Expand(x, {2, 1, 4});   // x [3,1] -> y [2,3,4]
#pragma once

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Expand(const Tensor& x, const Shape& shape);

}  // namespace kiln::ref
