// Matrix product with numpy semantics (ONNX MatMul): a 1-D operand is promoted to a matrix
// (A [K] -> [1,K], B [K] -> [K,1]) and the promoted dim dropped from the result; leading
// (batch) dims broadcast. f32, i32 and i64.
//
//   Tensor a = ...;  // [8, 1, 64, 32]
//   Tensor b = ...;  //    [4, 32, 16]
//   rt::Result<Tensor> y = MatMul(a, b, /*threads=*/2);  // [8, 4, 64, 16]
#pragma once

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> MatMul(const Tensor& a, const Tensor& b, int threads = 1);

}  // namespace kiln::ref
