// Affine quantization between f32 and integer tensors: q = saturate(round_half_even(x / scale)
// + zero_point) and x = (q - zero_point) * scale, per tensor, per axis or per block (the
// runtime's mirror of ir::QuantSpec, which kernels may not include). i4/u4 results are packed
// two per byte, low nibble first.
//
//   QuantParams q;
//   q.granularity = QuantGranularity::kPerAxis, q.axis = 0, q.scales = {0.5f, 0.25f};
//   rt::Result<Tensor> w8 = Quantize(w, q, DType::kI8);
//   rt::Result<Tensor> w32 = Dequantize(*w8, q);
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

enum class QuantGranularity : uint8_t { kPerTensor, kPerAxis, kPerBlock };

struct QuantParams {
  QuantGranularity granularity = QuantGranularity::kPerTensor;
  int axis = 0;        // per axis and per block; negative counts from the end
  int block_size = 0;  // per block
  // Per axis: one per index of `axis`. Per block: row-major over the shape with `axis` divided
  // (rounding up) by block_size.
  std::vector<float> scales;
  std::vector<int32_t> zero_points;  // empty: all zero; else one per scale (or one for all)
};

// `x` must be f32; `dtype` one of i8, u8, i4, u4, i16, i32.
rt::Result<Tensor> Quantize(const Tensor& x, const QuantParams& params, DType dtype);
// `q` one of i8, u8, i4, u4, i16, i32; the result is f32.
rt::Result<Tensor> Dequantize(const Tensor& q, const QuantParams& params);

}  // namespace kiln::ref
