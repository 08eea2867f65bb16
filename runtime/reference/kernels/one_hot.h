// OneHot (ONNX): out has indices' shape with a new dim of size `depth` at `axis` (in
// [-rank-1, rank]); out[.., j, ..] is values[1] (on) where indices[..] == j, else values[0]
// (off). Negative indices count from depth; indices outside [-depth, depth) give all-off rows.
// The result takes values' dtype; indices and depth may be of any plain numeric dtype (float
// values are truncated).
//
//   // indices [0, 2], depth 3, values [0, 1] -> [[1,0,0],[0,0,1]]
//   rt::Result<Tensor> y = OneHot(indices, depth, values, /*axis=*/-1);
#pragma once

#include <cstdint>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> OneHot(const Tensor& indices, const Tensor& depth, const Tensor& values,
                          int64_t axis);

}  // namespace kiln::ref
