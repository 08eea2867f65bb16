// Split: cuts a tensor into consecutive pieces along an axis. Either explicit sizes (which must
// add up to the dim) or a count of pieces of ceil(dim / count) each, the last one smaller if
// the dim does not divide (ONNX opset 18).
//
//   rt::Result<std::vector<Tensor>> parts = Split(x, 1, std::vector<int64_t>{2, 3});
//   rt::Result<std::vector<int64_t>> sizes = EqualSplitSizes(7, 3);   // {3, 3, 1}
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<std::vector<int64_t>> EqualSplitSizes(int64_t dim, int64_t count);
rt::Result<std::vector<Tensor>> Split(const Tensor& x, int64_t axis,
                                      std::span<const int64_t> sizes);

}  // namespace kiln::ref
