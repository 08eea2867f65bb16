#include "runtime/reference/kernels/compress.h"

#include <cstring>
#include <string>
#include <vector>

#include "runtime/reference/kernels/dtype_dispatch.h"
#include "runtime/reference/kernels/resolve_axis.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {

rt::Result<Tensor> Compress(const Tensor& x, const Tensor& condition, std::optional<int64_t> axis) {
  rt::Result<int> elem = ElementBytes(x.dtype(), "compress");
  if (!elem.ok()) return elem.status();
  if (condition.rank() != 1) {
    return rt::Status::Error("compress: condition " + ShapeString(condition.shape()) +
                             " is not 1-D");
  }
  // x as [outer, dim, inner] around the axis (flattened: [1, all, 1]).
  Shape shape = axis ? x.shape() : Shape{x.num_elements()};
  rt::Result<int> a = ResolveAxis(axis.value_or(0), static_cast<int>(shape.size()), "compress");
  if (!a.ok()) return a.status();
  int64_t dim = shape[*a];
  int64_t inner = NumElements(Shape(shape.begin() + *a + 1, shape.end()));
  int64_t outer = NumElements(Shape(shape.begin(), shape.begin() + *a));

  std::optional<std::vector<int64_t>> kept = VisitPlainDType(
      condition.dtype(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* c = condition.data<T>();
        std::vector<int64_t> k;
        for (int64_t i = 0; i < condition.dim(0); ++i) {
          if (c[i] != T{0}) k.push_back(i);
        }
        return std::optional<std::vector<int64_t>>(std::move(k));
      },
      [] { return std::optional<std::vector<int64_t>>(); });
  if (!kept) {
    return rt::Status::Error("compress: condition of type " +
                             std::string(rt::DTypeName(condition.dtype())) + " is not supported");
  }
  if (!kept->empty() && kept->back() >= dim) {
    return rt::Status::Error("compress: condition selects index " + std::to_string(kept->back()) +
                             " of a dim of " + std::to_string(dim));
  }
  shape[*a] = static_cast<int64_t>(kept->size());
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), shape);
  if (!y.ok()) return y;
  const auto* src = static_cast<const uint8_t*>(x.raw());
  auto* dst = static_cast<uint8_t*>(y->mutable_raw());
  size_t slice = static_cast<size_t>(inner * *elem);
  for (int64_t o = 0; o < outer && slice > 0; ++o) {
    for (int64_t i : *kept) {
      std::memcpy(dst, src + (o * dim + i) * slice, slice);
      dst += slice;
    }
  }
  return y;
}

}  // namespace kiln::ref
