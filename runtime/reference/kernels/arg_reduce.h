// Index of the largest or smallest element along one axis (ONNX ArgMax/ArgMin): the first
// occurrence of ties unless select_last_index. Result i64; f32, i8, u8, i32 and i64 inputs.
//
//   ArgReduceParams p{.axis = 1, .keepdims = false};
//   rt::Result<Tensor> cls = ArgReduce(logits, /*max=*/true, p);  // [N,1000] -> [N]
#pragma once

#include <cstdint>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

struct ArgReduceParams {
  int64_t axis = 0;
  bool keepdims = true;
  bool select_last_index = false;
};

rt::Result<Tensor> ArgReduce(const Tensor& x, bool max, const ArgReduceParams& params);

}  // namespace kiln::ref
