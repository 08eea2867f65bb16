// Trilu (ONNX): keeps the upper (upper = true: j - i >= k) or lower (j - i <= k) triangle of
// each matrix in the last two dims of `x` and zeroes the rest; leading dims are a batch.
// EyeLike (ONNX): a 2-D tensor of `dtype` with ones on the diagonal j - i == k, zeros elsewhere.
//
//   rt::Result<Tensor> u = Trilu(x, /*k=*/0, /*upper=*/true);  // [[1,2],[3,4]] -> [[1,2],[0,4]]
//   rt::Result<Tensor> e = EyeLike(DType::kF32, {2, 3}, /*k=*/1);  // [[0,1,0],[0,0,1]]
#pragma once

#include <cstdint>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Trilu(const Tensor& x, int64_t k, bool upper);
rt::Result<Tensor> EyeLike(DType dtype, const Shape& shape, int64_t k);

}  // namespace kiln::ref
