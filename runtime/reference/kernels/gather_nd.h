// GatherND (ONNX): gathers slices of `data` addressed by the tuples in the last dim of
// `indices`. The first `batch_dims` dims of both are a shared batch; each tuple of m indices
// picks data[batch, i0..im-1, :] (negative indices count from the end). The result has shape
// indices.shape[:-1] + data.shape[batch_dims + m:].
//
//   // data [[0,1],[2,3]], indices [[1],[0]] -> [[2,3],[0,1]]
//   rt::Result<Tensor> y = GatherND(data, indices, /*batch_dims=*/0);
#pragma once

#include <cstdint>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> GatherND(const Tensor& data, const Tensor& indices, int64_t batch_dims);

}  // namespace kiln::ref
