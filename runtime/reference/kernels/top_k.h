// TopK (ONNX): the k largest (or smallest) elements of each line of `x` along `axis`, with
// their i64 indices. Equal values keep the lower index first (as onnxruntime); NaN counts as
// larger than every number. The results are always in sorted order (ONNX leaves the order
// unspecified when `sorted` is 0).
//
//   // x [[1,3,2]], k 2, axis -1 -> values [[3,2]], indices [[1,2]]
//   rt::Result<TopKResult> r = TopK(x, 2, -1, /*largest=*/true);
#pragma once

#include <cstdint>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

struct TopKResult {
  Tensor values;
  Tensor indices;
};

rt::Result<TopKResult> TopK(const Tensor& x, int64_t k, int64_t axis, bool largest);

}  // namespace kiln::ref
