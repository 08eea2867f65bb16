// Element type conversion between any two of the runtime dtypes (ONNX Cast).
//
//   rt::Result<Tensor> h = Cast(x, DType::kF16);   // f32 -> f16, round to nearest even
//   rt::Result<Tensor> w = Widen(h.value());        // f16 -> f32, for computing
//
// Rules: float -> integer truncates toward zero and saturates at the target's range (NaN
// becomes 0; ONNX leaves out-of-range values undefined); integer -> integer wraps like
// static_cast, except i4/u4 targets, which saturate to [-8,7] / [0,15] as ONNX Runtime does;
// anything -> bool is `x != 0` (NaN is true); bool -> number is 0 or 1; float narrowing rounds
// to nearest even.
#pragma once

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Cast(const Tensor& x, DType to);

// The dtype kernels compute in for elements of type `t`: f32 for f16/bf16, i8 for i4, u8 for
// u4, `t` itself otherwise.
DType WidenedDType(DType t);
// Cast(x, WidenedDType(x.dtype())); returns `x` itself (no copy) when already wide.
rt::Result<Tensor> Widen(const Tensor& x);

}  // namespace kiln::ref
