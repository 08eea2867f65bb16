// Round-to-nearest weight quantization: the numbers behind a quantized constant, computed from
// f32 weights (no IR). Each group of weights shares a scale (and, asymmetric, a zero point):
// one group per index of `axis` (per output channel), or per `block_size` consecutive elements
// along `axis` (ir::QuantSpec kPerBlock: scales in row-major order of the shape with `axis`
// divided by block_size, rounding up). q = saturate(round_half_even(w / scale) + zero_point),
// computed exactly as the reference runtime's ref::Quantize does, so the two agree bit for bit.
//
// Symmetric ranges are [-127, 127] (8 bits) and [-7, 7] (4 bits), scale = max|w| / qmax. -128
// is left out so that the range is closed under negation (w and -w give q and -q). x86 int8
// kernels built on vpmaddubsw (u8 x s8, two products summed into a saturating s16) compute
// s8 x s8 with the sign trick, |a| x sign(a) * w: negating -128 wraps, and with both operands
// in [-127, 127] a pair sums to at most 2 * 127 * 127 = 32258, while 2 * 128 * 128 = 32768
// would saturate. (Full u8 activations can saturate that pair anyway, hence 7-bit activations
// in such kernels; VNNI's vpdpbusd accumulates in s32 and has no such limit.) Asymmetric
// groups use [0, 255] / [0, 15] over [min(w, 0), max(w, 0)], so that 0 is exactly
// representable.
//
// An all-zero group gets scale 1 (any positive scale encodes it exactly as q = 0; 1 is exact
// and reads clearly in dumps). Scales below the smallest normal float are raised to it, so no
// scale is zero or denormal.
//
//   const int64_t shape[] = {4096, 4096};
//   WeightQuantOptions o{.bits = 4, .axis = 1, .block_size = 32};
//   Expected<QuantizedWeight> q = QuantizeWeight(w, shape, o);  // 4096 * 128 scales
//   Expected<std::vector<float>> back = DequantizeWeight(*q, shape, o);
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ir/quant_spec.h"
#include "ir/status.h"

namespace kiln::quant {

struct WeightQuantOptions {
  int bits = 8;        // 8 or 4
  int axis = 0;        // the per-channel axis, or the axis blocks run along; negative from the end
  int block_size = 0;  // 0: per channel; > 0 (typically 32, 64, 128): per block along `axis`
  bool symmetric = true;  // false: zero points, unsigned storage (u8 / u4)
  // Symmetric only: each group's scale is the one of max|w| / qmax x {1, 0.98, ..., 0.72} with
  // the smallest squared error over the group (clipping a few large weights can round the
  // many small ones better; at 4 bits it often does).
  bool search_scale = false;
};

struct QuantizedWeight {
  std::vector<float> scales;
  std::vector<int32_t> zero_points;  // empty when symmetric
  // Kiln's encoding: 8 bits one byte each (i8 two's complement, or u8 when asymmetric); 4 bits
  // packed two per byte, low nibble first, in row-major element order (i4 / u4).
  std::vector<uint8_t> data;
};

// One group's quantization grid.
struct GroupQuantParams {
  float scale = 1.0f;
  int32_t zero_point = 0;
};

// The integer range of the options' storage: [-127, 127], [-7, 7], [0, 255] or [0, 15].
int32_t QuantMin(const WeightQuantOptions& options);
int32_t QuantMax(const WeightQuantOptions& options);

// The grid for a group whose values lie in [lo, hi] (finite, lo <= hi).
GroupQuantParams ChooseGroupParams(double lo, double hi, const WeightQuantOptions& options);

// The grid for one group of values: ChooseGroupParams over their range, then, with
// `search_scale` (symmetric), the candidate scale with the least squared error over them.
// QuantizeWeight picks the same grid for a group holding the same values.
GroupQuantParams FitGroupParams(std::span<const float> group, const WeightQuantOptions& options);

// saturate(round_half_even(w / scale) + zero_point), the division in f32 as ref::Quantize does.
int32_t QuantizeValue(float w, GroupQuantParams p, const WeightQuantOptions& options);
// (q - zero_point) * scale in f32, as ref::Dequantize does.
inline float DequantizeValue(int32_t q, GroupQuantParams p) {
  return static_cast<float>(q - p.zero_point) * p.scale;
}

// Codes (each within the options' range) in Kiln's byte encoding, see QuantizedWeight::data.
std::vector<uint8_t> PackCodes(std::span<const int32_t> codes, int bits);
// The inverse of PackCodes for `count` codes; signed unless `options.symmetric` is false.
std::vector<int32_t> UnpackCodes(std::span<const uint8_t> data, int64_t count,
                                 const WeightQuantOptions& options);

// The number of scales for `shape`, or an error naming what is wrong with the options.
Expected<int64_t> WeightScaleCount(std::span<const int64_t> shape,
                                   const WeightQuantOptions& options);

// Fails on bad options, a size mismatch or a non-finite weight.
Expected<QuantizedWeight> QuantizeWeight(std::span<const float> w, std::span<const int64_t> shape,
                                         const WeightQuantOptions& options);
Expected<std::vector<float>> DequantizeWeight(const QuantizedWeight& q,
                                              std::span<const int64_t> shape,
                                              const WeightQuantOptions& options);

// The type-level spec of `q` (per axis or per block, axis resolved against `rank`).
ir::QuantSpec ToQuantSpec(const QuantizedWeight& q, int rank, const WeightQuantOptions& options);

}  // namespace kiln::quant
