// Softmax, log-softmax and hardmax along one axis (ONNX Softmax/LogSoftmax/Hardmax, opset 13
// semantics: the axis alone is normalized, not the flattened trailing dims). Softmax takes
// floats and is numerically stable (the row maximum is subtracted first); hardmax takes any
// numeric dtype and puts a 1 at the first maximum of each row, 0 elsewhere.
//
//   rt::Result<Tensor> p = Softmax(logits, /*axis=*/-1, /*log=*/false);
//   rt::Result<Tensor> h = Hardmax(logits, /*axis=*/-1);
#pragma once

#include <cstdint>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Softmax(const Tensor& x, int64_t axis, bool log, int threads = 1);

rt::Result<Tensor> Hardmax(const Tensor& x, int64_t axis);

}  // namespace kiln::ref
