// Softmax and log-softmax along one axis (ONNX Softmax/LogSoftmax, opset 13 semantics: the
// axis alone is normalized, not the flattened trailing dims). f32; numerically stable (the
// row maximum is subtracted first).
//
//   rt::Result<Tensor> p = Softmax(logits, /*axis=*/-1, /*log=*/false);
#pragma once

#include <cstdint>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Softmax(const Tensor& x, int64_t axis, bool log, int threads = 1);

}  // namespace kiln::ref
