#include "runtime/reference/kernels/softmax.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "runtime/reference/kernels/dtype_dispatch.h"

namespace kiln::ref {
namespace {

// The rows of x along `axis`: row r starts at Start(r) and steps by `inner`.
struct Rows {
  int64_t n = 0;      // elements per row (the axis' size)
  int64_t inner = 1;  // product of the dims after the axis
  int64_t count = 0;  // number of rows
  int64_t Start(int64_t r) const { return (r / inner) * n * inner + r % inner; }
};

rt::Result<Rows> RowsAlong(const Tensor& x, int64_t axis, const char* op) {
  const int rank = x.rank();
  if (rank == 0 || axis < -rank || axis >= rank) {
    return rt::Status::Error(std::string(op) + ": axis " + std::to_string(axis) +
                             " is out of range for " + ShapeString(x.shape()));
  }
  if (axis < 0) axis += rank;
  Rows rows;
  rows.n = x.dim(static_cast<int>(axis));
  for (int d = static_cast<int>(axis) + 1; d < rank; ++d) rows.inner *= x.dim(d);
  rows.count = rows.n * rows.inner == 0 ? 0 : x.num_elements() / rows.n;
  return rows;
}

template <typename T>
void SoftmaxTyped(const Tensor& x, const Rows& rows, bool log, int threads, Tensor& y) {
  const T* xp = x.data<T>();
  T* yp = y.mutable_data<T>();
  const int64_t n = rows.n, inner = rows.inner;
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t row = 0; row < rows.count; ++row) {
    const int64_t base = rows.Start(row);
    double max = -std::numeric_limits<double>::infinity();
    for (int64_t i = 0; i < n; ++i) max = std::max(max, double(xp[base + i * inner]));
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += std::exp(double(xp[base + i * inner]) - max);
    const double log_sum = std::log(sum);
    for (int64_t i = 0; i < n; ++i) {
      const double shifted = double(xp[base + i * inner]) - max;
      yp[base + i * inner] = static_cast<T>(log ? shifted - log_sum : std::exp(shifted) / sum);
    }
  }
}

template <typename T>
void HardmaxTyped(const Tensor& x, const Rows& rows, Tensor& y) {
  const T* xp = x.data<T>();
  T* yp = y.mutable_data<T>();
  std::fill(yp, yp + y.num_elements(), T{0});
  for (int64_t row = 0; row < rows.count; ++row) {
    const int64_t base = rows.Start(row);
    int64_t best = 0;
    for (int64_t i = 1; i < rows.n; ++i) {
      if (xp[base + i * rows.inner] > xp[base + best * rows.inner]) best = i;
    }
    yp[base + best * rows.inner] = T{1};
  }
}

}  // namespace

rt::Result<Tensor> Softmax(const Tensor& x, int64_t axis, bool log, int threads) {
  const char* op = log ? "log_softmax" : "softmax";
  rt::Result<Rows> rows = RowsAlong(x, axis, op);
  if (!rows.ok()) return rows.status();
  auto unsupported = [&]() -> rt::Result<Tensor> {
    return rt::Status::Error(std::string(op) + ": unsupported dtype " +
                             std::string(rt::DTypeName(x.dtype())));
  };
  return VisitPlainDType(
      x.dtype(),
      [&](auto tag) -> rt::Result<Tensor> {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_floating_point_v<T>) {
          rt::Result<Tensor> y = Tensor::Empty(x.dtype(), x.shape());
          if (!y.ok()) return y.status();
          SoftmaxTyped<T>(x, *rows, log, threads, *y);
          return y;
        } else {
          return unsupported();
        }
      },
      unsupported);
}

rt::Result<Tensor> Hardmax(const Tensor& x, int64_t axis) {
  rt::Result<Rows> rows = RowsAlong(x, axis, "hardmax");
  if (!rows.ok()) return rows.status();
  auto unsupported = [&]() -> rt::Result<Tensor> {
    return rt::Status::Error("hardmax: unsupported dtype " + std::string(rt::DTypeName(x.dtype())));
  };
  return VisitPlainDType(
      x.dtype(),
      [&](auto tag) -> rt::Result<Tensor> {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          return unsupported();
        } else {
          rt::Result<Tensor> y = Tensor::Empty(x.dtype(), x.shape());
          if (!y.ok()) return y.status();
          HardmaxTyped<T>(x, *rows, *y);
          return y;
        }
      },
      unsupported);
}

}  // namespace kiln::ref
