// Range (ONNX): the 1-d sequence start, start+delta, ... stopping before `limit`, with
// max(ceil((limit - start) / delta), 0) elements. The three scalars share one dtype (f32, i16,
// i32 or i64), which is also the result's.
//
//   rt::Result<Tensor> r = Range(Scalar(0), Scalar(10), Scalar(3));   // [0, 3, 6, 9]
#pragma once

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Range(const Tensor& start, const Tensor& limit, const Tensor& delta);

}  // namespace kiln::ref
