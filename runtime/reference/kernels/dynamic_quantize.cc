#include "runtime/reference/kernels/dynamic_quantize.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kiln::ref {

// Both loops run over every input of an int8-dynamic matrix product on every run: cloned for
// AVX-512 and AVX2 (picked when the program loads, by what the CPU has), plain SSE2 otherwise.
#if defined(__x86_64__) && defined(__GNUC__)
#define KILN_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define KILN_VECTOR_CLONES
#endif

KILN_VECTOR_CLONES DynamicU8Params ChooseDynamicU8(std::span<const float> x) {
  constexpr float kMax = std::numeric_limits<float>::max();
  float lo = 0.0f, hi = 0.0f;
  const float* data = x.data();
  const auto n = static_cast<int64_t>(x.size());
#pragma omp simd reduction(min : lo) reduction(max : hi)
  for (int64_t i = 0; i < n; ++i) {
    const float v = data[i];
    const float f = v >= -kMax && v <= kMax ? v : 0.0f;  // NaN and +-inf count as 0
    lo = std::min(lo, f);
    hi = std::max(hi, f);
  }
  DynamicU8Params p;
  const float range = hi - lo;
  if (!(range > 0) || !std::isfinite(range)) return p;
  p.scale = range / 255.0f;
  const double zp = std::nearbyint(static_cast<double>(-lo / p.scale));
  p.zero_point = static_cast<int32_t>(std::clamp(zp, 0.0, 255.0));
  return p;
}

KILN_VECTOR_CLONES void QuantizeDynamicU8(std::span<const float> x, DynamicU8Params p, uint8_t* q) {
  const float* data = x.data();
  const auto n = static_cast<int64_t>(x.size());
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) q[i] = QuantizeDynamicU8(data[i], p);
}

rt::Result<Tensor> FakeQuantizeDynamicU8(const Tensor& x) {
  if (x.dtype() != DType::kF32) {
    return rt::Status::Error("dynamic quantization: only f32 is supported");
  }
  rt::Result<Tensor> y = Tensor::Empty(DType::kF32, x.shape());
  if (!y.ok()) return y;
  const std::span<const float> in(x.data<float>(), static_cast<size_t>(x.num_elements()));
  const DynamicU8Params p = ChooseDynamicU8(in);
  float* out = y->mutable_data<float>();
  for (size_t i = 0; i < in.size(); ++i) {
    out[i] = static_cast<float>(QuantizeDynamicU8(in[i], p) - p.zero_point) * p.scale;
  }
  return y;
}

}  // namespace kiln::ref
