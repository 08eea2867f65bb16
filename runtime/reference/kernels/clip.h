// ONNX Clip: min(max(x, lo), hi) elementwise, where the optional bounds are one-element
// tensors of x's dtype (an absent bound does not clip; lo > hi gives hi everywhere).
//
//   rt::Result<Tensor> y = Clip(x, &lo, &hi);      // relu6 with lo = 0, hi = 6
//   rt::Result<Tensor> z = Clip(x, nullptr, &hi);
#pragma once

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Clip(const Tensor& x, const Tensor* lo, const Tensor* hi, int threads = 1);

}  // namespace kiln::ref
