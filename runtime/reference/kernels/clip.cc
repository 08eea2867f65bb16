#include "runtime/reference/kernels/clip.h"

#include <limits>
#include <type_traits>

#include "runtime/reference/kernels/cast.h"
#include "runtime/reference/kernels/dtype_dispatch.h"
#include "runtime/reference/kernels/elementwise_loop.h"

namespace kiln::ref {
namespace {

// Reads a bound as T (x's widened type), or `fallback` when absent.
template <typename T>
rt::Result<T> Bound(const Tensor* bound, DType wide, T fallback, const char* what) {
  if (bound == nullptr) return fallback;
  if (bound->num_elements() != 1) {
    return rt::Status::Error(std::string(what) + " must have one element, got shape " +
                             ShapeString(bound->shape()));
  }
  rt::Result<Tensor> b = Cast(*bound, wide);
  if (!b.ok()) return b.status();
  return b->data<T>()[0];
}

}  // namespace

rt::Result<Tensor> Clip(const Tensor& x, const Tensor* lo, const Tensor* hi, int threads) {
  for (const Tensor* b : {lo, hi}) {
    if (b != nullptr && b->dtype() != x.dtype()) {
      return rt::Status::Error("bound is " + std::string(rt::DTypeName(b->dtype())) + " but x is " +
                               std::string(rt::DTypeName(x.dtype())));
    }
  }
  if (x.dtype() == DType::kBool) return rt::Status::Error("clip is not defined for bool");
  if (!IsPlainDType(x.dtype())) {
    rt::Result<Tensor> wide = Widen(x);
    if (!wide.ok()) return wide;
    rt::Result<Tensor> wlo = lo ? Widen(*lo) : rt::Result<Tensor>(Tensor());
    rt::Result<Tensor> whi = hi ? Widen(*hi) : rt::Result<Tensor>(Tensor());
    if (!wlo.ok()) return wlo;
    if (!whi.ok()) return whi;
    rt::Result<Tensor> y = Clip(*wide, lo ? &*wlo : nullptr, hi ? &*whi : nullptr, threads);
    if (!y.ok()) return y;
    return Cast(*y, x.dtype());
  }
  return VisitPlainDType(
      x.dtype(),
      [&](auto tag) -> rt::Result<Tensor> {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          return rt::Status::Error("unreachable");
        } else {
          rt::Result<T> l = Bound<T>(lo, x.dtype(), std::numeric_limits<T>::lowest(), "min");
          if (!l.ok()) return l.status();
          rt::Result<T> h = Bound<T>(hi, x.dtype(), std::numeric_limits<T>::max(), "max");
          if (!h.ok()) return h.status();
          const T low = *l, high = *h;
          return MapUnary<T, T>(x, x.dtype(), threads, [=](T v) {
            const T t = v < low ? low : v;
            return t > high ? high : t;
          });
        }
      },
      []() -> rt::Result<Tensor> { return rt::Status::Error("unreachable"); });
}

}  // namespace kiln::ref
