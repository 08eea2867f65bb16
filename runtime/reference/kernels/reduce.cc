#include "runtime/reference/kernels/reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "runtime/reference/kernels/dtype_dispatch.h"

namespace kiln::ref {
namespace {

bool IsLogKind(ReduceKind kind) {
  return kind == ReduceKind::kLogSum || kind == ReduceKind::kLogSumExp;
}

// Calls fn(o, v) for every element v of x in storage order, where o is the flat index of the
// output slot v reduces into; `out_strides[d]` is the output stride of input dim d (0 where
// reduced).
template <typename T, typename Fn>
void ForEachElement(const Tensor& x, const std::vector<int64_t>& out_strides, Fn&& fn) {
  const int rank = x.rank();
  const T* xp = x.data<T>();
  const int64_t n = x.num_elements();
  const int64_t last = rank > 0 ? x.dim(rank - 1) : 1;
  const int64_t last_stride = rank > 0 ? out_strides[rank - 1] : 0;
  std::vector<int64_t> idx(rank, 0);
  for (int64_t base = 0; base < n && last > 0; base += last) {
    int64_t o = 0;
    for (int d = 0; d + 1 < rank; ++d) o += idx[d] * out_strides[d];
    for (int64_t i = 0; i < last; ++i, o += last_stride) fn(o, xp[base + i]);
    for (int d = rank - 2; d >= 0 && ++idx[d] == x.dim(d); --d) idx[d] = 0;
  }
}

// Reduces x into y, accumulating in Acc (double for floats and the log kinds, a 64-bit
// integer of x's signedness otherwise).
template <typename T, typename Acc>
void ReduceTyped(ReduceKind kind, const Tensor& x, const std::vector<bool>& reduced, Tensor& y) {
  const int rank = x.rank();
  const int64_t out_n = y.num_elements();
  std::vector<int64_t> out_strides(rank, 0);
  int64_t s = 1;
  for (int d = rank - 1; d >= 0; --d) {
    if (reduced[d]) continue;
    out_strides[d] = s;
    s *= x.dim(d);
  }

  constexpr bool kFloatAcc = std::is_floating_point_v<Acc>;
  const Acc lowest = kFloatAcc ? -std::numeric_limits<Acc>::infinity()
                               : static_cast<Acc>(std::numeric_limits<T>::lowest());
  const Acc highest = kFloatAcc ? std::numeric_limits<Acc>::infinity()
                                : static_cast<Acc>(std::numeric_limits<T>::max());
  Acc init = 0;
  if (kind == ReduceKind::kProd) init = 1;
  if (kind == ReduceKind::kMax) init = lowest;
  if (kind == ReduceKind::kMin) init = highest;
  std::vector<Acc> acc(static_cast<size_t>(out_n), init);

  // LogSumExp sums exp(x - shift) with shift the group's (finite) maximum, then adds it back.
  std::vector<Acc> shift;
  if (kind == ReduceKind::kLogSumExp) {
    shift.assign(static_cast<size_t>(out_n), lowest);
    ForEachElement<T>(x, out_strides,
                      [&](int64_t o, T v) { shift[o] = std::max(shift[o], static_cast<Acc>(v)); });
    for (Acc& m : shift) m = std::isfinite(static_cast<double>(m)) ? m : Acc{0};
  }

  ForEachElement<T>(x, out_strides, [&](int64_t o, T t) {
    const Acc v = static_cast<Acc>(t);
    Acc& a = acc[o];
    switch (kind) {
      case ReduceKind::kMean:
      case ReduceKind::kSum:
      case ReduceKind::kLogSum:
        a += v;
        break;
      case ReduceKind::kMax:
        a = std::max(a, v);
        break;
      case ReduceKind::kMin:
        a = std::min(a, v);
        break;
      case ReduceKind::kProd:
        a *= v;
        break;
      case ReduceKind::kL2:
      case ReduceKind::kSumSquare:
        a += v * v;
        break;
      case ReduceKind::kL1:
        if constexpr (std::is_signed_v<Acc>) {
          a += v < Acc{0} ? -v : v;
        } else {
          a += v;
        }
        break;
      case ReduceKind::kLogSumExp:
        a += static_cast<Acc>(std::exp(static_cast<double>(v - shift[o])));
        break;
    }
  });

  const int64_t count = out_n == 0 ? 0 : x.num_elements() / out_n;
  T* yp = y.mutable_data<T>();
  for (int64_t i = 0; i < out_n; ++i) {
    Acc a = acc[i];
    switch (kind) {
      case ReduceKind::kMean:
        if (count > 0) a = a / static_cast<Acc>(count);
        break;
      case ReduceKind::kL2:
        a = static_cast<Acc>(std::sqrt(static_cast<double>(a)));
        break;
      case ReduceKind::kLogSum:
        a = static_cast<Acc>(std::log(static_cast<double>(a)));
        break;
      case ReduceKind::kLogSumExp:
        a = static_cast<Acc>(std::log(static_cast<double>(a))) + shift[i];
        break;
      default:
        break;
    }
    yp[i] = static_cast<T>(a);
  }
}

}  // namespace

rt::Result<std::vector<int>> NormalizeAxes(const std::vector<int64_t>& axes, int rank) {
  std::vector<int> out;
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) {
      return rt::Status::Error("axis " + std::to_string(a) + " is out of range for rank " +
                               std::to_string(rank));
    }
    out.push_back(static_cast<int>(a < 0 ? a + rank : a));
  }
  std::sort(out.begin(), out.end());
  if (std::adjacent_find(out.begin(), out.end()) != out.end()) {
    return rt::Status::Error("axes " + ShapeString(axes) + " repeat a dim");
  }
  return out;
}

rt::Result<Tensor> Reduce(ReduceKind kind, const Tensor& x, const ReduceParams& p) {
  if (p.axes.empty() && p.noop_with_empty_axes) return x;
  const int rank = x.rank();
  std::vector<bool> reduced(rank, p.axes.empty());
  rt::Result<std::vector<int>> axes = NormalizeAxes(p.axes, rank);
  if (!axes.ok()) return rt::Status::Error("reduce: " + axes.status().message());
  for (int a : *axes) reduced[a] = true;
  Shape out;
  for (int d = 0; d < rank; ++d) {
    if (!reduced[d]) {
      out.push_back(x.dim(d));
    } else if (p.keepdims) {
      out.push_back(1);
    }
  }
  auto unsupported = [&]() -> rt::Result<Tensor> {
    return rt::Status::Error("reduce: unsupported dtype " + std::string(rt::DTypeName(x.dtype())));
  };
  return VisitPlainDType(
      x.dtype(),
      [&](auto tag) -> rt::Result<Tensor> {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          return unsupported();
        } else {
          rt::Result<Tensor> y = Tensor::Empty(x.dtype(), out);
          if (!y.ok()) return y.status();
          if constexpr (std::is_floating_point_v<T>) {
            ReduceTyped<T, double>(kind, x, reduced, *y);
          } else if (IsLogKind(kind)) {
            ReduceTyped<T, double>(kind, x, reduced, *y);
          } else if constexpr (std::is_signed_v<T>) {
            ReduceTyped<T, int64_t>(kind, x, reduced, *y);
          } else {
            ReduceTyped<T, uint64_t>(kind, x, reduced, *y);
          }
          return y;
        }
      },
      unsupported);
}

}  // namespace kiln::ref
