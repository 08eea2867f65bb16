// CumSum (ONNX): running sums of `x` along `axis`, in the element type. `exclusive` leaves
// out the element itself (the first sum is 0); `reverse` sums from the end of the axis.
//
//   // x [1,2,3]: plain [1,3,6], exclusive [0,1,3], reverse [6,5,3], both [5,3,0]
//   rt::Result<Tensor> y = CumSum(x, /*axis=*/0, /*exclusive=*/false, /*reverse=*/false);
#pragma once

#include <cstdint>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> CumSum(const Tensor& x, int64_t axis, bool exclusive, bool reverse);

}  // namespace kiln::ref
