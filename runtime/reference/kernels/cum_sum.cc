#include "runtime/reference/kernels/cum_sum.h"

#include <string>

#include "runtime/reference/kernels/dtype_dispatch.h"
#include "runtime/reference/kernels/resolve_axis.h"
#include "runtime/reference/kernels/wrapping_arithmetic.h"

namespace kiln::ref {

rt::Result<Tensor> CumSum(const Tensor& x, int64_t axis, bool exclusive, bool reverse) {
  rt::Result<int> a = ResolveAxis(axis, x.rank(), "cum_sum");
  if (!a.ok()) return a.status();
  if (x.dtype() == DType::kBool || !IsPlainDType(x.dtype())) {
    return rt::Status::Error("cum_sum: unsupported type " + std::string(rt::DTypeName(x.dtype())));
  }
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), x.shape());
  if (!y.ok()) return y;
  // x as [outer, dim, inner]; each (outer, inner) pair is one line along the axis.
  int64_t dim = x.dim(*a);
  int64_t inner = NumElements(Shape(x.shape().begin() + *a + 1, x.shape().end()));
  int64_t outer = NumElements(Shape(x.shape().begin(), x.shape().begin() + *a));
  VisitPlainDType(
      x.dtype(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* src = x.data<T>();
        T* dst = y->template mutable_data<T>();
        for (int64_t o = 0; o < outer; ++o) {
          for (int64_t i = 0; i < inner; ++i) {
            T sum{0};
            for (int64_t n = 0; n < dim; ++n) {
              int64_t at = (o * dim + (reverse ? dim - 1 - n : n)) * inner + i;
              if (exclusive) {
                dst[at] = sum;
                sum = WrappingAdd(sum, src[at]);
              } else {
                sum = WrappingAdd(sum, src[at]);
                dst[at] = sum;
              }
            }
          }
        }
      },
      [] {});
  return y;
}

}  // namespace kiln::ref
