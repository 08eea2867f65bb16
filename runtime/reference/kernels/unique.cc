#include "runtime/reference/kernels/unique.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include "runtime/reference/kernels/dtype_dispatch.h"
#include "runtime/reference/kernels/resolve_axis.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {
namespace {

// A total order on elements: NaN after every number (and equal to other NaNs), as numpy sorts.
template <typename T>
int CompareElements(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    bool a_nan = std::isnan(a);
    bool b_nan = std::isnan(b);
    if (a_nan || b_nan) return static_cast<int>(a_nan) - static_cast<int>(b_nan);
  }
  return a < b ? -1 : (b < a ? 1 : 0);
}

// For x as [outer, dim, inner]: the group (distinct slice, numbered in sorted order) of each
// slice k in [0, dim), and the number of groups.
template <typename T>
std::vector<int64_t> GroupSlices(const T* x, int64_t outer, int64_t dim, int64_t inner,
                                 int64_t* num_groups) {
  auto compare = [&](int64_t a, int64_t b) {
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        int c = CompareElements(x[(o * dim + a) * inner + i], x[(o * dim + b) * inner + i]);
        if (c != 0) return c;
      }
    }
    return 0;
  };
  std::vector<int64_t> order(static_cast<size_t>(dim));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return compare(a, b) < 0; });
  std::vector<int64_t> group(static_cast<size_t>(dim));
  int64_t g = -1;
  for (size_t n = 0; n < order.size(); ++n) {
    if (n == 0 || compare(order[n - 1], order[n]) != 0) ++g;
    group[order[n]] = g;
  }
  *num_groups = g + 1;
  return group;
}

rt::Result<Tensor> I64Vector(const std::vector<int64_t>& v) {
  rt::Result<Tensor> t = Tensor::Empty(DType::kI64, {static_cast<int64_t>(v.size())});
  if (t.ok() && !v.empty()) {
    std::memcpy(t->mutable_raw(), v.data(), v.size() * sizeof(int64_t));
  }
  return t;
}

}  // namespace

rt::Result<UniqueResult> Unique(const Tensor& x, std::optional<int64_t> axis, bool sorted) {
  rt::Result<int> elem = ElementBytes(x.dtype(), "unique");
  if (!elem.ok()) return elem.status();
  Shape shape = axis ? x.shape() : Shape{x.num_elements()};
  rt::Result<int> a = ResolveAxis(axis.value_or(0), static_cast<int>(shape.size()), "unique");
  if (!a.ok()) return a.status();
  int64_t dim = shape[*a];
  int64_t inner = NumElements(Shape(shape.begin() + *a + 1, shape.end()));
  int64_t outer = NumElements(Shape(shape.begin(), shape.begin() + *a));

  int64_t num_groups = 0;
  std::optional<std::vector<int64_t>> group = VisitPlainDType(
      x.dtype(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        return std::optional<std::vector<int64_t>>(
            GroupSlices(x.data<T>(), outer, dim, inner, &num_groups));
      },
      [] { return std::optional<std::vector<int64_t>>(); });
  if (!group) {
    return rt::Status::Error("unique: unsupported type " + std::string(rt::DTypeName(x.dtype())));
  }

  // Number the groups in the order asked for: sorted keeps GroupSlices' numbering.
  std::vector<int64_t> first(static_cast<size_t>(num_groups), -1);
  std::vector<int64_t> counts(static_cast<size_t>(num_groups), 0);
  std::vector<int64_t> renumber(static_cast<size_t>(num_groups), -1);
  int64_t next = 0;
  for (int64_t k = 0; k < dim; ++k) {
    int64_t g = (*group)[k];
    if (renumber[g] < 0) renumber[g] = sorted ? g : next++;
  }
  std::vector<int64_t> inverse(static_cast<size_t>(dim));
  for (int64_t k = 0; k < dim; ++k) {
    int64_t g = renumber[(*group)[k]];
    inverse[k] = g;
    if (first[g] < 0) first[g] = k;
    ++counts[g];
  }

  shape[*a] = num_groups;
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), shape);
  if (!y.ok()) return y.status();
  const auto* src = static_cast<const uint8_t*>(x.raw());
  auto* dst = static_cast<uint8_t*>(y->mutable_raw());
  size_t slice = static_cast<size_t>(inner * *elem);
  for (int64_t o = 0; o < outer && slice > 0; ++o) {
    for (int64_t g = 0; g < num_groups; ++g) {
      std::memcpy(dst, src + (o * dim + first[g]) * slice, slice);
      dst += slice;
    }
  }
  rt::Result<Tensor> indices = I64Vector(first);
  rt::Result<Tensor> inv = I64Vector(inverse);
  rt::Result<Tensor> cnt = I64Vector(counts);
  if (!indices.ok() || !inv.ok() || !cnt.ok()) {
    return rt::Status::Error("unique: cannot allocate the index results");
  }
  return UniqueResult{std::move(*y), std::move(*indices), std::move(*inv), std::move(*cnt)};
}

}  // namespace kiln::ref
