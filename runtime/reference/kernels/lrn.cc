#include "runtime/reference/kernels/lrn.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>

#include "runtime/reference/kernels/dtype_dispatch.h"

namespace kiln::ref {
namespace {

template <typename T>
void LrnTyped(const Tensor& x, const LrnParams& p, Tensor& y, int threads) {
  const int64_t n = x.dim(0), channels = x.dim(1);
  const int64_t inner = n * channels == 0 ? 0 : x.num_elements() / (n * channels);
  const int64_t before = (p.size - 1) / 2, after = p.size - 1 - before;
  const double scale = static_cast<double>(p.alpha) / static_cast<double>(p.size);
  const T* in = x.data<T>();
  T* out = y.mutable_data<T>();
#pragma omp parallel for collapse(2) num_threads(threads) if (threads > 1)
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t lo = std::max<int64_t>(0, c - before);
      const int64_t hi = std::min<int64_t>(channels - 1, c + after);
      const T* plane = in + (b * channels + c) * inner;
      T* dst = out + (b * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i) {
        double sum = 0;
        for (int64_t k = lo; k <= hi; ++k) {
          const double v = in[(b * channels + k) * inner + i];
          sum += v * v;
        }
        dst[i] = static_cast<T>(plane[i] / std::pow(p.bias + scale * sum, p.beta));
      }
    }
  }
}

}  // namespace

rt::Result<Tensor> Lrn(const Tensor& x, const LrnParams& p, int threads) {
  if (x.rank() < 2)
    return rt::Status::Error("lrn: X " + ShapeString(x.shape()) + " needs rank >= 2");
  if (p.size < 1)
    return rt::Status::Error("lrn: size must be positive, got " + std::to_string(p.size));
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), x.shape());
  if (!y.ok()) return y.status();
  return VisitPlainDType(
      x.dtype(),
      [&](auto tag) -> rt::Result<Tensor> {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_floating_point_v<T>) {
          LrnTyped<T>(x, p, *y, threads);
          return std::move(*y);
        } else {
          return rt::Status::Error("lrn: X must be floating point, got " +
                                   std::string(rt::DTypeName(x.dtype())));
        }
      },
      [&]() -> rt::Result<Tensor> {
        return rt::Status::Error("lrn: unsupported dtype " + std::string(rt::DTypeName(x.dtype())));
      });
}

}  // namespace kiln::ref
