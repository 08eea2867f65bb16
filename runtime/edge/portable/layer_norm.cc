#include "runtime/edge/portable/layer_norm.h"

#include <cassert>
#include <cmath>

namespace kiln::edge::portable {

void LayerNorm(const float* x, Dims dims, int axis, const float* scale, const float* bias,
               float epsilon, float* y) {
  assert(axis >= 0 && static_cast<size_t>(axis) < dims.size());
  const int64_t outer = DimProduct(dims, 0, axis), n = DimProduct(dims, axis, dims.size());
  if (n == 0) return;
  for (int64_t r = 0; r < outer; ++r, x += n, y += n) {
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (int64_t j = 0; j < n; ++j) sum += x[j];
    // A second pass around the rounded mean: x - mean is exact in double, and in float too
    // when x is within a factor of 2 of the mean (Sterbenz), so a large common offset costs
    // no precision; `shift` carries what the rounding of the mean left out.
    const float mean = static_cast<float>(sum / n);
    double shift_sum = 0.0, squares = 0.0;
#pragma omp simd reduction(+ : shift_sum, squares)
    for (int64_t j = 0; j < n; ++j) {
      const double d = static_cast<double>(x[j]) - mean;
      shift_sum += d;
      squares += d * d;
    }
    const double shift = shift_sum / n;
    const double variance = squares / n - shift * shift;
    const float inv_std = static_cast<float>(1.0 / std::sqrt(variance + epsilon));
    const float shift_f = static_cast<float>(shift);
    if (scale != nullptr && bias != nullptr) {
#pragma omp simd
      for (int64_t j = 0; j < n; ++j) y[j] = (x[j] - mean - shift_f) * inv_std * scale[j] + bias[j];
      continue;
    }
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) y[j] = (x[j] - mean - shift_f) * inv_std;
    if (scale != nullptr) {
#pragma omp simd
      for (int64_t j = 0; j < n; ++j) y[j] *= scale[j];
    }
    if (bias != nullptr) {
#pragma omp simd
      for (int64_t j = 0; j < n; ++j) y[j] += bias[j];
    }
  }
}

}  // namespace kiln::edge::portable
