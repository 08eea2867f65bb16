#include "runtime/edge/portable/matmul.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "runtime/edge/portable/strided_counter.h"

namespace kiln::edge::portable {
namespace {

// Blocks of b that stay in L1/L2 while a block of y rows is updated; rows go four at a time
// so each loaded b row feeds four rows of y.
constexpr int64_t kBlockK = 64;
constexpr int64_t kBlockN = 256;

// y[0..rows)[0..n) += a[0..rows)[0..k) b[0..k)[0..n); a, b, y with leading dims lda, ldb, ldy.
void GemmBlock(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t rows, int64_t k,
               int64_t n, float* y, int64_t ldy) {
  int64_t i = 0;
  for (; i + 4 <= rows; i += 4) {
    float* y0 = y + i * ldy;
    float* y1 = y0 + ldy;
    float* y2 = y1 + ldy;
    float* y3 = y2 + ldy;
    const float* a0 = a + i * lda;
    for (int64_t p = 0; p < k; ++p) {
      const float* bp = b + p * ldb;
      const float s0 = a0[p], s1 = a0[lda + p], s2 = a0[2 * lda + p], s3 = a0[3 * lda + p];
#pragma omp simd
      for (int64_t j = 0; j < n; ++j) {
        y0[j] += s0 * bp[j];
        y1[j] += s1 * bp[j];
        y2[j] += s2 * bp[j];
        y3[j] += s3 * bp[j];
      }
    }
  }
  for (; i < rows; ++i) {
    float* yi = y + i * ldy;
    for (int64_t p = 0; p < k; ++p) {
      const float* bp = b + p * ldb;
      const float s = a[i * lda + p];
#pragma omp simd
      for (int64_t j = 0; j < n; ++j) yi[j] += s * bp[j];
    }
  }
}

}  // namespace

void Gemm(const float* a, const float* b, int64_t m, int64_t k, int64_t n, float* y) {
  if (n == 1) {
    for (int64_t i = 0; i < m; ++i) {
      float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
      for (int64_t p = 0; p < k; ++p) sum += a[i * k + p] * b[p];
      y[i] = sum;
    }
    return;
  }
  std::fill(y, y + m * n, 0.0f);
  for (int64_t j = 0; j < n; j += kBlockN) {
    const int64_t nb = std::min(kBlockN, n - j);
    for (int64_t p = 0; p < k; p += kBlockK) {
      const int64_t kb = std::min(kBlockK, k - p);
      GemmBlock(a + p, k, b + p * n + j, n, m, kb, nb, y + j, n);
    }
  }
}

std::optional<FixedDims> MatMulOutputDims(Dims a_dims, Dims b_dims) {
  if (a_dims.empty() || b_dims.empty()) return std::nullopt;
  const size_t ra = a_dims.size(), rb = b_dims.size();
  const int64_t ka = a_dims[ra - 1], kb = rb == 1 ? b_dims[0] : b_dims[rb - 2];
  if (ka != kb) return std::nullopt;
  const Dims a_batch = a_dims.first(ra >= 2 ? ra - 2 : 0);
  const Dims b_batch = b_dims.first(rb >= 2 ? rb - 2 : 0);
  std::optional<FixedDims> out = BroadcastDims(a_batch, b_batch);
  if (!out || out->size() + (ra >= 2) + (rb >= 2) > static_cast<size_t>(kMaxRank)) {
    return std::nullopt;
  }
  if (ra >= 2) out->push_back(a_dims[ra - 2]);
  if (rb >= 2) out->push_back(b_dims[rb - 1]);
  return out;
}

void MatMul(const float* a, Dims a_dims, const float* b, Dims b_dims, float* y) {
  const std::optional<FixedDims> out_dims = MatMulOutputDims(a_dims, b_dims);
  assert(out_dims.has_value());
  const size_t ra = a_dims.size(), rb = b_dims.size();
  const int64_t m = ra >= 2 ? a_dims[ra - 2] : 1, k = a_dims[ra - 1];
  const int64_t n = rb >= 2 ? b_dims[rb - 1] : 1;
  const Dims a_batch = a_dims.first(ra >= 2 ? ra - 2 : 0);
  const Dims b_batch = b_dims.first(rb >= 2 ? rb - 2 : 0);
  if (NumElements(b_batch) == 1) {
    // One b for every batch of a: a's batches are rows of one product.
    Gemm(a, b, NumElements(a_batch) * m, k, n, y);
    return;
  }
  const Dims batch = Dims(*out_dims).first(out_dims->size() - (ra >= 2) - (rb >= 2));
  // Batch strides of a and b in elements, 0 where broadcast.
  int64_t a_strides[kMaxRank], b_strides[kMaxRank];
  int64_t a_stride = m * k, b_stride = k * n;
  for (size_t d = batch.size(); d-- > 0;) {
    const size_t from_end = batch.size() - d;
    const int64_t da = from_end <= a_batch.size() ? a_batch[a_batch.size() - from_end] : 1;
    const int64_t db = from_end <= b_batch.size() ? b_batch[b_batch.size() - from_end] : 1;
    a_strides[d] = da == 1 ? 0 : a_stride;
    b_strides[d] = db == 1 ? 0 : b_stride;
    a_stride *= da;
    b_stride *= db;
  }
  const int64_t count = NumElements(batch);
  StridedCounter it(batch, Dims(a_strides, batch.size()), Dims(b_strides, batch.size()));
  for (int64_t i = 0; i < count; ++i, it.Next()) {
    Gemm(a + it.offset0(), b + it.offset1(), m, k, n, y + i * m * n);
  }
}

}  // namespace kiln::edge::portable
