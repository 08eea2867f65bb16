#include "runtime/reference/kernels/split.h"

#include <algorithm>
#include <string>

#include "runtime/reference/kernels/resolve_axis.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {

rt::Result<std::vector<int64_t>> EqualSplitSizes(int64_t dim, int64_t count) {
  if (count <= 0) {
    return rt::Status::Error("split: cannot split into " + std::to_string(count) + " pieces");
  }
  int64_t piece = (dim + count - 1) / count;
  std::vector<int64_t> sizes;
  int64_t left = dim;
  for (int64_t i = 0; i < count; ++i) {
    sizes.push_back(std::min(piece, left));
    left -= sizes.back();
  }
  return sizes;
}

rt::Result<std::vector<Tensor>> Split(const Tensor& x, int64_t axis,
                                      std::span<const int64_t> sizes) {
  rt::Result<int> elem = ElementBytes(x.dtype(), "split");
  if (!elem.ok()) return elem.status();
  rt::Result<int> a = ResolveAxis(axis, x.rank(), "split");
  if (!a.ok()) return a.status();
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) return rt::Status::Error("split: negative size " + std::to_string(s));
    total += s;
  }
  if (total != x.dim(*a)) {
    return rt::Status::Error("split: sizes add up to " + std::to_string(total) + " but dim " +
                             std::to_string(*a) + " of " + ShapeString(x.shape()) + " is " +
                             std::to_string(x.dim(*a)));
  }
  std::vector<int64_t> in_strides = DenseStrides(x.shape());
  const auto* src = static_cast<const uint8_t*>(x.raw());
  std::vector<Tensor> out;
  int64_t offset = 0;
  for (int64_t s : sizes) {
    Shape shape = x.shape();
    shape[*a] = s;
    rt::Result<Tensor> y = Tensor::Empty(x.dtype(), shape);
    if (!y.ok()) return y.status();
    CopyStrided(*elem, shape, src + offset * in_strides[*a] * *elem, in_strides, y->mutable_raw(),
                DenseStrides(shape));
    out.push_back(std::move(*y));
    offset += s;
  }
  return out;
}

}  // namespace kiln::ref
