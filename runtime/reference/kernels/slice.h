// Slice with ONNX semantics: for each listed axis, elements start, start+step, ... up to (not
// including) end. Negative starts/ends count from the end of the dim; both are clamped (to
// [0, dim] for positive steps, [-1, dim-1] for negative ones), so INT64_MAX / INT64_MIN mean
// "to the end"; steps may be negative but not zero. Axes not listed are kept whole.
//
//   SliceParams p;
//   p.starts = {1}, p.ends = {INT64_MAX}, p.axes = {-1}, p.steps = {2};
//   rt::Result<Tensor> y = Slice(x, p);      // x[..., 1::2]
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

struct SliceParams {
  std::vector<int64_t> starts;
  std::vector<int64_t> ends;
  std::vector<int64_t> axes;   // empty: 0, 1, ..., starts.size()-1
  std::vector<int64_t> steps;  // empty: all 1
};

// Per axis of the input, after resolving and clamping: the first index, the step and the count.
struct SliceWindow {
  std::vector<int64_t> start;
  std::vector<int64_t> step;
  Shape size;
};
rt::Result<SliceWindow> ResolveSlice(const Shape& shape, const SliceParams& params);

rt::Result<Tensor> Slice(const Tensor& x, const SliceParams& params);

}  // namespace kiln::ref
