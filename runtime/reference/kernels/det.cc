#include "runtime/reference/kernels/det.h"

#include <cmath>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "runtime/reference/kernels/dtype_dispatch.h"

namespace kiln::ref {
namespace {

// The determinant of the row-major n x n matrix `a` (overwritten with its LU factors): the
// product of U's diagonal, negated once per row swap.
double LuDeterminant(std::vector<double>& a, int64_t n) {
  double det = 1.0;
  for (int64_t col = 0; col < n; ++col) {
    int64_t pivot = col;
    for (int64_t r = col + 1; r < n; ++r) {
      if (std::abs(a[r * n + col]) > std::abs(a[pivot * n + col])) pivot = r;
    }
    if (a[pivot * n + col] == 0.0) return 0.0;
    if (pivot != col) {
      for (int64_t c = 0; c < n; ++c) std::swap(a[pivot * n + c], a[col * n + c]);
      det = -det;
    }
    const double diag = a[col * n + col];
    det *= diag;
    for (int64_t r = col + 1; r < n; ++r) {
      const double factor = a[r * n + col] / diag;
      if (factor == 0.0) continue;
      for (int64_t c = col + 1; c < n; ++c) a[r * n + c] -= factor * a[col * n + c];
    }
  }
  return det;
}

template <typename T>
void DetTyped(const Tensor& x, int64_t n, Tensor& y) {
  const T* xp = x.data<T>();
  T* yp = y.mutable_data<T>();
  std::vector<double> a(static_cast<size_t>(n * n));
  for (int64_t b = 0; b < y.num_elements(); ++b) {
    for (int64_t i = 0; i < n * n; ++i) a[i] = static_cast<double>(xp[b * n * n + i]);
    yp[b] = static_cast<T>(LuDeterminant(a, n));
  }
}

}  // namespace

rt::Result<Tensor> Det(const Tensor& x) {
  const int rank = x.rank();
  if (rank < 2 || x.dim(rank - 1) != x.dim(rank - 2)) {
    return rt::Status::Error("det: operand of shape " + ShapeString(x.shape()) +
                             " is not a (batch of) square matrices");
  }
  const int64_t n = x.dim(rank - 1);
  const Shape out(x.shape().begin(), x.shape().end() - 2);
  auto unsupported = [&]() -> rt::Result<Tensor> {
    return rt::Status::Error("det: unsupported dtype " + std::string(rt::DTypeName(x.dtype())));
  };
  return VisitPlainDType(
      x.dtype(),
      [&](auto tag) -> rt::Result<Tensor> {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_floating_point_v<T>) {
          rt::Result<Tensor> y = Tensor::Empty(x.dtype(), out);
          if (!y.ok()) return y.status();
          DetTyped<T>(x, n, *y);
          return y;
        } else {
          return unsupported();
        }
      },
      unsupported);
}

}  // namespace kiln::ref
