// Dynamic u8 quantization of activations (ONNX DynamicQuantizeLinear), the activation half of
// `--quantize int8-dynamic`: each tensor gets its own grid when it is computed, from its range
// widened to hold 0: scale = (max(x, 0) - min(x, 0)) / 255 and zero point
// saturate(round_half_even(-min(x, 0) / scale)) in [0, 255]; then q = saturate(round_half_even(x
// / scale) + zero point). An all-zero tensor gets scale 1, zero point 0. The reference runtime
// computes a matmul marked `dynamic_quant` on the dequantized values (FakeQuantizeDynamicU8);
// the cloud runtime quantizes with the same parameters and multiplies in int8, so both see the
// same grid bit for bit.
//
//   DynamicU8Params p = ChooseDynamicU8(x);          // x: f32 values
//   uint8_t q = QuantizeDynamicU8(v, p);
//   rt::Result<Tensor> xq = FakeQuantizeDynamicU8(x_tensor);
#pragma once

#include <cstdint>
#include <span>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

struct DynamicU8Params {
  float scale = 1.0f;
  int32_t zero_point = 0;
};

// Non-finite values are left out of the range (they saturate when quantized).
DynamicU8Params ChooseDynamicU8(std::span<const float> x);

inline uint8_t QuantizeDynamicU8(float x, DynamicU8Params p) {
  // The f32 quotient rounded half to even, as ref::Quantize rounds it. Adding and subtracting
  // 1.5 * 2^23 rounds exactly so for |v| < 2^22, which every finite x within the range gives
  // (and the loop vectorizes, where nearbyint is a library call); +-inf stay infinite.
  constexpr float kRound = 12582912.0f;
  const float v = x / p.scale;
  float q = (v + kRound) - kRound + static_cast<float>(p.zero_point);
  q = q >= 0.0f ? q : 0.0f;  // NaN too
  q = q <= 255.0f ? q : 255.0f;
  return static_cast<uint8_t>(static_cast<int32_t>(q));
}

// QuantizeDynamicU8 of every element of x into q.
void QuantizeDynamicU8(std::span<const float> x, DynamicU8Params p, uint8_t* q);

// f32 x -> (QuantizeDynamicU8(x) - zero point) * scale, with x's own parameters.
rt::Result<Tensor> FakeQuantizeDynamicU8(const Tensor& x);

}  // namespace kiln::ref
