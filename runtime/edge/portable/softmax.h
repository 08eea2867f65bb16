// Softmax and log-softmax (ONNX Softmax / LogSoftmax, opset 13) in f32 along one axis: each
// line of x along `axis` is mapped to exp(x - max) / sum (or x - max - log(sum)); the maximum
// is subtracted first so large logits do not overflow, and sums accumulate in double.
// y may equal x.
//
//   const int64_t dims[] = {8, 12, 128, 128};                     // attention scores
//   Softmax(scores, dims, /*axis=*/3, /*log_softmax=*/false, probs);
#pragma once

#include "runtime/edge/portable/dims.h"

namespace kiln::edge::portable {

// `axis` in [0, rank).
void Softmax(const float* x, Dims dims, int axis, bool log_softmax, float* y);

}  // namespace kiln::edge::portable
