// Unique (ONNX): the distinct slices of `x` along `axis` (with no axis: the distinct elements
// of x flattened), sorted ascending (slices compare lexicographically) or, with sorted false,
// in order of first occurrence. Besides the values it returns, as i64 vectors, the index of
// each distinct slice's first occurrence, for each slice of x the position of its value in the
// result, and how often each distinct slice occurs.
//
//   // x [2,1,1,3,4,3], sorted -> y [1,2,3,4], indices [1,0,3,4],
//   //                            inverse [1,0,0,2,3,2], counts [2,1,2,1]
//   rt::Result<UniqueResult> u = Unique(x, std::nullopt, /*sorted=*/true);
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

struct UniqueResult {
  Tensor y;
  Tensor indices;
  Tensor inverse_indices;
  Tensor counts;
};

rt::Result<UniqueResult> Unique(const Tensor& x, std::optional<int64_t> axis, bool sorted);

}  // namespace kiln::ref
