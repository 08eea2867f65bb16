#include "runtime/reference/kernels/one_hot.h"

#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "runtime/reference/kernels/dtype_dispatch.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {
namespace {

// Every element of a plain numeric tensor truncated to int64; nullopt for other dtypes.
std::optional<std::vector<int64_t>> TruncatedValues(const Tensor& t) {
  return VisitPlainDType(
      t.dtype(),
      [&](auto tag) -> std::optional<std::vector<int64_t>> {
        using T = typename decltype(tag)::type;
        const T* p = t.data<T>();
        std::vector<int64_t> v(static_cast<size_t>(t.num_elements()));
        for (size_t i = 0; i < v.size(); ++i) {
          if constexpr (std::is_floating_point_v<T>) {
            // NaN and huge values name no position (and converting them would be undefined).
            bool fits = p[i] > -9.0e18 && p[i] < 9.0e18;
            v[i] = fits ? static_cast<int64_t>(p[i]) : std::numeric_limits<int64_t>::min();
          } else {
            v[i] = static_cast<int64_t>(p[i]);
          }
        }
        return v;
      },
      [] { return std::optional<std::vector<int64_t>>(); });
}

}  // namespace

rt::Result<Tensor> OneHot(const Tensor& indices, const Tensor& depth, const Tensor& values,
                          int64_t axis) {
  int rank = indices.rank();
  if (axis < -rank - 1 || axis > rank) {
    return rt::Status::Error("one_hot: axis " + std::to_string(axis) + " is out of range");
  }
  int a = static_cast<int>(axis < 0 ? axis + rank + 1 : axis);
  std::optional<std::vector<int64_t>> d = TruncatedValues(depth);
  if (!d || d->size() != 1) return rt::Status::Error("one_hot: depth must be one number");
  int64_t n = (*d)[0];
  if (n < 1) return rt::Status::Error("one_hot: depth " + std::to_string(n) + " is not positive");
  if (values.num_elements() != 2) {
    return rt::Status::Error("one_hot: values must hold [off, on], got " +
                             ShapeString(values.shape()));
  }
  rt::Result<int> elem = ElementBytes(values.dtype(), "one_hot");
  if (!elem.ok()) return elem.status();
  std::optional<std::vector<int64_t>> idx = TruncatedValues(indices);
  if (!idx) {
    return rt::Status::Error("one_hot: indices of type " +
                             std::string(rt::DTypeName(indices.dtype())) + " are not supported");
  }

  Shape out_shape = indices.shape();
  out_shape.insert(out_shape.begin() + a, n);
  rt::Result<Tensor> y = Tensor::Empty(values.dtype(), out_shape);
  if (!y.ok()) return y;
  // Indices as [outer, inner] around the new axis; out is [outer, n, inner].
  int64_t inner = NumElements(Shape(indices.shape().begin() + a, indices.shape().end()));
  int64_t outer = inner == 0 ? 0 : static_cast<int64_t>(idx->size()) / inner;
  const auto* off = static_cast<const uint8_t*>(values.raw());
  const uint8_t* on = off + *elem;
  auto* dst = static_cast<uint8_t*>(y->mutable_raw());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < n; ++j) {
      for (int64_t i = 0; i < inner; ++i) {
        int64_t k = (*idx)[o * inner + i];
        if (k < 0) k += n;
        std::memcpy(dst + ((o * n + j) * inner + i) * *elem, k == j ? on : off,
                    static_cast<size_t>(*elem));
      }
    }
  }
  return y;
}

}  // namespace kiln::ref
