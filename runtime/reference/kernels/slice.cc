#include "runtime/reference/kernels/slice.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "runtime/reference/kernels/resolve_axis.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {

rt::Result<SliceWindow> ResolveSlice(const Shape& shape, const SliceParams& params) {
  size_t n = params.starts.size();
  if (params.ends.size() != n || (!params.axes.empty() && params.axes.size() != n) ||
      (!params.steps.empty() && params.steps.size() != n)) {
    return rt::Status::Error("slice: starts, ends, axes and steps must have the same length");
  }
  int rank = static_cast<int>(shape.size());
  std::vector<int64_t> axes = params.axes;
  if (axes.empty()) {
    for (size_t i = 0; i < n; ++i) axes.push_back(static_cast<int64_t>(i));
  }
  rt::Result<std::vector<int>> resolved = ResolveAxes(axes, rank, "slice");
  if (!resolved.ok()) return resolved.status();

  SliceWindow w;
  w.start.assign(rank, 0);
  w.step.assign(rank, 1);
  w.size = shape;
  for (size_t i = 0; i < n; ++i) {
    int axis = (*resolved)[i];
    int64_t dim = shape[axis];
    int64_t step = params.steps.empty() ? 1 : params.steps[i];
    if (step == 0) return rt::Status::Error("slice: step is 0 on axis " + std::to_string(axis));
    int64_t start = params.starts[i];
    int64_t end = params.ends[i];
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    int64_t count = 0;
    if (dim == 0) {
      // Nothing to take; keep the clamps below well defined.
    } else if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      if (end > start) count = (end - start - 1) / step + 1;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      int64_t stride = step == INT64_MIN ? INT64_MAX : -step;
      if (start > end) count = (start - end - 1) / stride + 1;
    }
    w.start[axis] = count > 0 ? start : 0;
    w.step[axis] = step;
    w.size[axis] = count;
  }
  return w;
}

rt::Result<Tensor> Slice(const Tensor& x, const SliceParams& params) {
  rt::Result<int> elem = ElementBytes(x.dtype(), "slice");
  if (!elem.ok()) return elem.status();
  rt::Result<SliceWindow> w = ResolveSlice(x.shape(), params);
  if (!w.ok()) return w.status();
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), w->size);
  if (!y.ok()) return y;
  std::vector<int64_t> in_strides = DenseStrides(x.shape());
  std::vector<int64_t> src_strides(x.rank());
  int64_t offset = 0;
  for (int i = 0; i < x.rank(); ++i) {
    src_strides[i] = in_strides[i] * w->step[i];
    offset += in_strides[i] * w->start[i];
  }
  CopyStrided(*elem, w->size, static_cast<const uint8_t*>(x.raw()) + offset * *elem, src_strides,
              y->mutable_raw(), DenseStrides(w->size));
  return y;
}

}  // namespace kiln::ref
