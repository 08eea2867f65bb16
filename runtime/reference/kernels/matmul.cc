#include "runtime/reference/kernels/matmul.h"

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/reference/kernels/gemm.h"

namespace kiln::ref {
namespace {

// Row-major strides of `shape` in elements, with 0 for dims of size 1 (they broadcast).
std::vector<int64_t> BroadcastStrides(const Shape& shape, const Shape& out) {
  std::vector<int64_t> strides(out.size(), 0);
  int64_t s = 1;
  const size_t off = out.size() - shape.size();
  for (size_t i = shape.size(); i-- > 0;) {
    strides[off + i] = shape[i] == 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

template <typename T>
void Multiply(const Tensor& a, const Tensor& b, const Shape& batch, const Shape& a_batch,
              const Shape& b_batch, int64_t m, int64_t n, int64_t k, Tensor& y, int threads) {
  const T* ap = a.data<T>();
  const T* bp = b.data<T>();
  T* yp = y.mutable_data<T>();
  const int64_t batches = NumElements(batch);
  // B shared by every batch and A contiguous: one tall GEMM.
  if (NumElements(b_batch) == 1 && NumElements(a_batch) == batches) {
    GemmRowMajor<T>(false, false, batches * m, n, k, T(1), ap, k, bp, n, T(0), yp, n, threads);
    return;
  }
  const std::vector<int64_t> a_strides = BroadcastStrides(a_batch, batch);
  const std::vector<int64_t> b_strides = BroadcastStrides(b_batch, batch);
  const int rank = static_cast<int>(batch.size());
#pragma omp parallel for num_threads(threads) if (threads > 1 && batches > 1)
  for (int64_t i = 0; i < batches; ++i) {
    int64_t a_off = 0, b_off = 0, rest = i;
    for (int d = rank - 1; d >= 0; --d) {
      const int64_t idx = rest % batch[d];
      rest /= batch[d];
      a_off += idx * a_strides[d];
      b_off += idx * b_strides[d];
    }
    GemmRowMajor<T>(false, false, m, n, k, T(1), ap + a_off * m * k, k, bp + b_off * k * n, n, T(0),
                    yp + i * m * n, n, batches > 1 ? 1 : threads);
  }
}

}  // namespace

rt::Result<Tensor> MatMul(const Tensor& a, const Tensor& b, int threads) {
  if (a.dtype() != b.dtype()) return rt::Status::Error("matmul: operands have different dtypes");
  if (a.rank() < 1 || b.rank() < 1)
    return rt::Status::Error("matmul: operands must not be scalars");
  Shape as = a.shape(), bs = b.shape();
  const bool a_vector = as.size() == 1, b_vector = bs.size() == 1;
  if (a_vector) as.insert(as.begin(), 1);
  if (b_vector) bs.push_back(1);
  const int64_t m = as[as.size() - 2], k = as.back();
  const int64_t kb = bs[bs.size() - 2], n = bs.back();
  if (k != kb) {
    return rt::Status::Error("matmul: inner dims differ: " + ShapeString(a.shape()) + " x " +
                             ShapeString(b.shape()));
  }
  const Shape a_batch(as.begin(), as.end() - 2), b_batch(bs.begin(), bs.end() - 2);
  Shape batch(std::max(a_batch.size(), b_batch.size()), 1);
  for (size_t i = 0; i < batch.size(); ++i) {
    const int64_t da = i < a_batch.size() ? a_batch[a_batch.size() - 1 - i] : 1;
    const int64_t db = i < b_batch.size() ? b_batch[b_batch.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1) {
      return rt::Status::Error("matmul: batch dims of " + ShapeString(a.shape()) + " and " +
                               ShapeString(b.shape()) + " do not broadcast");
    }
    batch[batch.size() - 1 - i] = da == 1 ? db : da;
  }
  Shape out = batch;
  if (!a_vector) out.push_back(m);
  if (!b_vector) out.push_back(n);
  rt::Result<Tensor> y = Tensor::Empty(a.dtype(), out);
  if (!y.ok()) return y.status();
  switch (a.dtype()) {
    case DType::kF32:
      Multiply<float>(a, b, batch, a_batch, b_batch, m, n, k, *y, threads);
      break;
    case DType::kI32:
      Multiply<int32_t>(a, b, batch, a_batch, b_batch, m, n, k, *y, threads);
      break;
    case DType::kI64:
      Multiply<int64_t>(a, b, batch, a_batch, b_batch, m, n, k, *y, threads);
      break;
    default:
      return rt::Status::Error("matmul: unsupported dtype " +
                               std::string(rt::DTypeName(a.dtype())));
  }
  return y;
}

}  // namespace kiln::ref
