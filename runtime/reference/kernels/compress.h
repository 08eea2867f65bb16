// Compress (ONNX): keeps the slices of `x` along `axis` whose entry in the 1-D `condition` is
// true (nonzero); with no axis, the elements of x flattened. A condition shorter than the axis
// drops the slices past its end. The result's dim on the axis is only known at run time.
//
//   // x [[1,2],[3,4],[5,6]], condition [0,1,1], axis 0 -> [[3,4],[5,6]]
//   rt::Result<Tensor> y = Compress(x, condition, 0);
//   rt::Result<Tensor> flat = Compress(x, condition, std::nullopt);  // [2,3]
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Compress(const Tensor& x, const Tensor& condition, std::optional<int64_t> axis);

}  // namespace kiln::ref
