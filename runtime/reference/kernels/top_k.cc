#include "runtime/reference/kernels/top_k.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include "runtime/reference/kernels/dtype_dispatch.h"
#include "runtime/reference/kernels/resolve_axis.h"

namespace kiln::ref {
namespace {

// a < b in a total order where NaN is above every number.
template <typename T>
bool Less(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
  }
  return a < b;
}

}  // namespace

rt::Result<TopKResult> TopK(const Tensor& x, int64_t k, int64_t axis, bool largest) {
  rt::Result<int> a = ResolveAxis(axis, x.rank(), "top_k");
  if (!a.ok()) return a.status();
  int64_t dim = x.dim(*a);
  if (k < 0 || k > dim) {
    return rt::Status::Error("top_k: k " + std::to_string(k) + " is out of range for dim " +
                             std::to_string(dim));
  }
  if (!IsPlainDType(x.dtype())) {
    return rt::Status::Error("top_k: unsupported type " + std::string(rt::DTypeName(x.dtype())));
  }
  Shape shape = x.shape();
  shape[*a] = k;
  rt::Result<Tensor> values = Tensor::Empty(x.dtype(), shape);
  if (!values.ok()) return values.status();
  rt::Result<Tensor> indices = Tensor::Empty(DType::kI64, shape);
  if (!indices.ok()) return indices.status();
  // x as [outer, dim, inner]; each (outer, inner) pair is one line along the axis.
  int64_t inner = NumElements(Shape(x.shape().begin() + *a + 1, x.shape().end()));
  int64_t outer = NumElements(Shape(x.shape().begin(), x.shape().begin() + *a));
  VisitPlainDType(
      x.dtype(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* src = x.data<T>();
        T* out = values->template mutable_data<T>();
        int64_t* out_idx = indices->template mutable_data<int64_t>();
        std::vector<int64_t> order(static_cast<size_t>(dim));
        for (int64_t o = 0; o < outer; ++o) {
          for (int64_t i = 0; i < inner; ++i) {
            const T* line = src + o * dim * inner + i;
            auto before = [&](int64_t p, int64_t q) {
              T vp = line[p * inner];
              T vq = line[q * inner];
              if (largest ? Less(vq, vp) : Less(vp, vq)) return true;
              if (largest ? Less(vp, vq) : Less(vq, vp)) return false;
              return p < q;
            };
            std::iota(order.begin(), order.end(), 0);
            std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
            for (int64_t n = 0; n < k; ++n) {
              int64_t at = (o * k + n) * inner + i;
              out[at] = line[order[n] * inner];
              out_idx[at] = order[n];
            }
          }
        }
      },
      [] {});
  return TopKResult{std::move(*values), std::move(*indices)};
}

}  // namespace kiln::ref
