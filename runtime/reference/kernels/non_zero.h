// NonZero (ONNX): the coordinates of the nonzero elements of `x`, as an i64 tensor
// [rank, count] in row-major order of the elements (numpy.nonzero stacked). A scalar counts as
// a 1-element vector, as in onnxruntime, so its result is [1, 0 or 1].
//
//   // x [[1,0],[1,1]] -> [[0,1,1],[0,0,1]]
//   rt::Result<Tensor> coords = NonZero(x);
#pragma once

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> NonZero(const Tensor& x);

}  // namespace kiln::ref
