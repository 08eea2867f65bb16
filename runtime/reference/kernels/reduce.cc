#include "runtime/reference/kernels/reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

namespace kiln::ref {
namespace {

template <typename T>
void ReduceTyped(ReduceKind kind, const Tensor& x, const std::vector<bool>& reduced, Tensor& y) {
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;
  const int rank = x.rank();
  const int64_t out_n = y.num_elements();
  std::vector<Acc> acc(static_cast<size_t>(out_n));
  Acc init = 0;
  if (kind == ReduceKind::kProd) init = 1;
  if (kind == ReduceKind::kMax) {
    init = std::is_floating_point_v<T> ? -std::numeric_limits<Acc>::infinity()
                                       : Acc(std::numeric_limits<T>::lowest());
  }
  if (kind == ReduceKind::kMin) {
    init = std::is_floating_point_v<T> ? std::numeric_limits<Acc>::infinity()
                                       : Acc(std::numeric_limits<T>::max());
  }
  std::fill(acc.begin(), acc.end(), init);

  // Output stride of every input dim (0 where reduced).
  std::vector<int64_t> out_strides(rank, 0);
  int64_t s = 1;
  for (int d = rank - 1; d >= 0; --d) {
    if (reduced[d]) continue;
    out_strides[d] = s;
    s *= x.dim(d);
  }
  const T* xp = x.data<T>();
  const int64_t n = x.num_elements();
  const int64_t last = rank > 0 ? x.dim(rank - 1) : 1;
  const int64_t last_stride = rank > 0 ? out_strides[rank - 1] : 0;
  std::vector<int64_t> idx(rank, 0);
  for (int64_t base = 0; base < n && last > 0; base += last) {
    int64_t o = 0;
    for (int d = 0; d + 1 < rank; ++d) o += idx[d] * out_strides[d];
    for (int64_t i = 0; i < last; ++i, o += last_stride) {
      const Acc v = static_cast<Acc>(xp[base + i]);
      Acc& a = acc[o];
      switch (kind) {
        case ReduceKind::kMean:
        case ReduceKind::kSum:
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
      }
    }
    for (int d = rank - 2; d >= 0 && ++idx[d] == x.dim(d); --d) idx[d] = 0;
  }
  const int64_t count = out_n == 0 ? 0 : n / out_n;
  T* yp = y.mutable_data<T>();
  for (int64_t i = 0; i < out_n; ++i) {
    Acc a = acc[i];
    if (kind == ReduceKind::kMean) a = count > 0 ? a / Acc(count) : a;
    if (kind == ReduceKind::kL2) a = static_cast<Acc>(std::sqrt(static_cast<double>(a)));
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
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), out);
  if (!y.ok()) return y.status();
  switch (x.dtype()) {
    case DType::kF32:
      ReduceTyped<float>(kind, x, reduced, *y);
      return y;
    case DType::kI32:
      ReduceTyped<int32_t>(kind, x, reduced, *y);
      return y;
    case DType::kI64:
      ReduceTyped<int64_t>(kind, x, reduced, *y);
      return y;
    default:
      return rt::Status::Error("reduce: unsupported dtype " +
                               std::string(rt::DTypeName(x.dtype())));
  }
}

}  // namespace kiln::ref
