// Gather (ONNX Gather): picks slices of `data` along `axis` by index. The result shape is
// data.shape[:axis] + indices.shape + data.shape[axis+1:]; negative indices count from the end
// and an index out of range is an error, not undefined behaviour.
//
//   Tensor ids = Tensor::FromVector<int64_t>(DType::kI64, {2}, {3, -1});
//   rt::Result<Tensor> rows = Gather(embedding, ids, 0);   // rows 3 and last
#pragma once

#include <cstdint>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Gather(const Tensor& data, const Tensor& indices, int64_t axis);

}  // namespace kiln::ref
