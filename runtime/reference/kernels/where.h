// ONNX Where: picks x where the bool condition holds, else y, with numpy broadcasting of all
// three operands. x and y share any dtype.
//
//   rt::Result<Tensor> z = Where(mask, x, y);   // shapes [4,1], [3], [] -> [4,3]
#pragma once

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Where(const Tensor& condition, const Tensor& x, const Tensor& y,
                         int threads = 1);

}  // namespace kiln::ref
