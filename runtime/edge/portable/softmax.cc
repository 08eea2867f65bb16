#include "runtime/edge/portable/softmax.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace kiln::edge::portable {
namespace {

// One contiguous line of n values (axis innermost).
void SoftmaxLine(const float* x, int64_t n, bool log_softmax, float* y) {
  float max = x[0];
#pragma omp simd reduction(max : max)
  for (int64_t j = 1; j < n; ++j) max = x[j] > max ? x[j] : max;
  double sum = 0.0;
  for (int64_t j = 0; j < n; ++j) {
    const float e = std::exp(x[j] - max);
    if (!log_softmax) y[j] = e;
    sum += e;
  }
  if (log_softmax) {
    // (x - max) first: exact near the maximum, where adding log(sum) to max would round at
    // max's scale.
    const float log_sum = static_cast<float>(std::log(sum));
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) y[j] = x[j] - max - log_sum;
    return;
  }
  const float inv = static_cast<float>(1.0 / sum);
#pragma omp simd
  for (int64_t j = 0; j < n; ++j) y[j] *= inv;
}

// `width` (<= kColumns) lines side by side: line j is x[j], x[j + stride], ... (n values), so
// every loop below runs over contiguous columns.
constexpr int64_t kColumns = 64;

void SoftmaxColumns(const float* x, int64_t n, int64_t stride, int64_t width, bool log_softmax,
                    float* y) {
  float max[kColumns];
  double sum[kColumns] = {};
  std::copy(x, x + width, max);
  for (int64_t k = 1; k < n; ++k) {
    const float* row = x + k * stride;
#pragma omp simd
    for (int64_t j = 0; j < width; ++j) max[j] = row[j] > max[j] ? row[j] : max[j];
  }
  for (int64_t k = 0; k < n; ++k) {
    const float* row = x + k * stride;
    float* out = y + k * stride;
    for (int64_t j = 0; j < width; ++j) {
      const float e = std::exp(row[j] - max[j]);
      if (!log_softmax) out[j] = e;
      sum[j] += e;
    }
  }
  float factor[kColumns];  // log(sum) to subtract after the maximum, or 1 / sum
  for (int64_t j = 0; j < width; ++j) {
    factor[j] = static_cast<float>(log_softmax ? std::log(sum[j]) : 1.0 / sum[j]);
  }
  for (int64_t k = 0; k < n; ++k) {
    const float* row = x + k * stride;
    float* out = y + k * stride;
    if (log_softmax) {
#pragma omp simd
      for (int64_t j = 0; j < width; ++j) out[j] = row[j] - max[j] - factor[j];
    } else {
#pragma omp simd
      for (int64_t j = 0; j < width; ++j) out[j] *= factor[j];
    }
  }
}

}  // namespace

void Softmax(const float* x, Dims dims, int axis, bool log_softmax, float* y) {
  assert(axis >= 0 && static_cast<size_t>(axis) < dims.size());
  const int64_t outer = DimProduct(dims, 0, axis), n = dims[axis];
  const int64_t inner = DimProduct(dims, axis + 1, dims.size());
  if (outer * n * inner == 0) return;
  for (int64_t o = 0; o < outer; ++o, x += n * inner, y += n * inner) {
    if (inner == 1) {
      SoftmaxLine(x, n, log_softmax, y);
      continue;
    }
    for (int64_t j = 0; j < inner; j += kColumns) {
      SoftmaxColumns(x + j, n, inner, std::min(kColumns, inner - j), log_softmax, y + j);
    }
  }
}

}  // namespace kiln::edge::portable
