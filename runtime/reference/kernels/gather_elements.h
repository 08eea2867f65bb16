// GatherElements (ONNX): out[i0..ik..] = data[i0..indices[i0..ik..]..] with the index replacing
// the coordinate on `axis`. `indices` has data's rank and a shape no larger than data's on the
// other axes; negative indices count from the end.
//
//   // data [[1,2],[3,4]], indices [[0,0],[1,0]], axis 1 -> [[1,1],[4,3]]
//   rt::Result<Tensor> y = GatherElements(data, indices, 1);
#pragma once

#include <cstdint>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> GatherElements(const Tensor& data, const Tensor& indices, int64_t axis);

}  // namespace kiln::ref
