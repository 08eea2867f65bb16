#include "runtime/reference/kernels/gemm.h"

#include <Eigen/Core>
#include <string>

namespace kiln::ref {
namespace {

template <typename T>
using RowMajorMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using ConstMap = Eigen::Map<const RowMajorMatrix<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using MutableMap = Eigen::Map<RowMajorMatrix<T>, 0, Eigen::OuterStride<>>;

template <typename T, typename AExpr, typename BExpr>
void Multiply(const AExpr& a, const BExpr& b, T alpha, T beta, MutableMap<T>& c) {
  if (beta == T(0)) {
    c.noalias() = alpha * (a * b);
  } else {
    if (beta != T(1)) c *= beta;
    c.noalias() += alpha * (a * b);
  }
}

template <typename T>
rt::Result<Tensor> GemmTyped(const Tensor& a, const Tensor& b, const Tensor* c, const GemmParams& p,
                             int threads) {
  const int64_t m = p.trans_a ? a.dim(1) : a.dim(0);
  const int64_t k = p.trans_a ? a.dim(0) : a.dim(1);
  const int64_t kb = p.trans_b ? b.dim(1) : b.dim(0);
  const int64_t n = p.trans_b ? b.dim(0) : b.dim(1);
  if (k != kb) {
    return rt::Status::Error("gemm: inner dims differ: A " + ShapeString(a.shape()) + " and B " +
                             ShapeString(b.shape()) + " with trans_a=" + std::to_string(p.trans_a) +
                             ", trans_b=" + std::to_string(p.trans_b));
  }
  rt::Result<Tensor> y = Tensor::Empty(a.dtype(), {m, n});
  if (!y.ok()) return y.status();
  T* out = y->mutable_data<T>();
  T beta = static_cast<T>(p.beta);
  if (c != nullptr && beta != T(0)) {
    if (c->dtype() != a.dtype()) return rt::Status::Error("gemm: C has another dtype than A");
    if (c->rank() > 2) return rt::Status::Error("gemm: C must have rank <= 2");
    const int64_t rows = c->rank() == 2 ? c->dim(0) : 1;
    const int64_t cols = c->rank() >= 1 ? c->dim(c->rank() - 1) : 1;
    if ((rows != 1 && rows != m) || (cols != 1 && cols != n)) {
      return rt::Status::Error("gemm: C of shape " + ShapeString(c->shape()) +
                               " does not broadcast to [" + std::to_string(m) + "," +
                               std::to_string(n) + "]");
    }
    const T* cp = c->data<T>();
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        out[i * n + j] = cp[(rows == 1 ? 0 : i) * cols + (cols == 1 ? 0 : j)];
      }
    }
  } else {
    beta = T(0);
  }
  GemmRowMajor<T>(p.trans_a, p.trans_b, m, n, k, static_cast<T>(p.alpha), a.data<T>(), a.dim(1),
                  b.data<T>(), b.dim(1), beta, out, n, threads);
  return y;
}

}  // namespace

template <typename T>
void GemmRowMajor(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
                  int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc, int threads) {
  if (m == 0 || n == 0) return;
  MutableMap<T> cm(c, m, n, Eigen::OuterStride<>(ldc));
  if (k == 0) {
    if (beta == T(0)) {
      cm.setZero();
    } else {
      cm *= beta;
    }
    return;
  }
  Eigen::setNbThreads(threads < 1 ? 1 : threads);
  ConstMap<T> am(a, trans_a ? k : m, trans_a ? m : k, Eigen::OuterStride<>(lda));
  ConstMap<T> bm(b, trans_b ? n : k, trans_b ? k : n, Eigen::OuterStride<>(ldb));
  if (trans_a && trans_b) {
    Multiply<T>(am.transpose(), bm.transpose(), alpha, beta, cm);
  } else if (trans_a) {
    Multiply<T>(am.transpose(), bm, alpha, beta, cm);
  } else if (trans_b) {
    Multiply<T>(am, bm.transpose(), alpha, beta, cm);
  } else {
    Multiply<T>(am, bm, alpha, beta, cm);
  }
}

template void GemmRowMajor<float>(bool, bool, int64_t, int64_t, int64_t, float, const float*,
                                  int64_t, const float*, int64_t, float, float*, int64_t, int);
template void GemmRowMajor<int32_t>(bool, bool, int64_t, int64_t, int64_t, int32_t, const int32_t*,
                                    int64_t, const int32_t*, int64_t, int32_t, int32_t*, int64_t,
                                    int);
template void GemmRowMajor<int64_t>(bool, bool, int64_t, int64_t, int64_t, int64_t, const int64_t*,
                                    int64_t, const int64_t*, int64_t, int64_t, int64_t*, int64_t,
                                    int);

rt::Result<Tensor> Gemm(const Tensor& a, const Tensor& b, const Tensor* c, const GemmParams& p,
                        int threads) {
  if (a.rank() != 2 || b.rank() != 2) {
    return rt::Status::Error("gemm: A " + ShapeString(a.shape()) + " and B " +
                             ShapeString(b.shape()) + " must have rank 2");
  }
  if (a.dtype() != b.dtype()) return rt::Status::Error("gemm: A and B have different dtypes");
  switch (a.dtype()) {
    case DType::kF32:
      return GemmTyped<float>(a, b, c, p, threads);
    case DType::kI32:
      return GemmTyped<int32_t>(a, b, c, p, threads);
    case DType::kI64:
      return GemmTyped<int64_t>(a, b, c, p, threads);
    default:
      return rt::Status::Error("gemm: unsupported dtype " + std::string(rt::DTypeName(a.dtype())));
  }
}

}  // namespace kiln::ref
