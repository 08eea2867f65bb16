// Determinants of square matrices (ONNX Det): x is [*, M, M] and the result [*] holds the
// determinant of each trailing M x M matrix. Floating-point dtypes; each matrix is factored
// by LU decomposition with partial pivoting, computed in double.
//
//   rt::Result<Tensor> d = Det(x);  // [3, 2, 2] -> [3]
#pragma once

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Det(const Tensor& x);

}  // namespace kiln::ref
