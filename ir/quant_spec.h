// Quantization parameters, part of a tensor's type (not an op attribute).
//
// real = scale * (q - zero_point). Granularity is per tensor (one scale), per axis (one scale
// per index of `axis`), or per block (one scale per `block_size` consecutive elements along
// `axis`; scales are stored in row-major order of the shape with that axis divided by
// block_size).
//
//   QuantSpec q = QuantSpec::PerAxis(0, {0.5f, 0.25f}, {0, 0});
//   q.ToString() == "per_axis axis=0 scales=[0.5,0.25]"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/shape.h"

namespace kiln::ir {

enum class QuantGranularity : uint8_t { kPerTensor, kPerAxis, kPerBlock };

struct QuantSpec {
  QuantGranularity granularity = QuantGranularity::kPerTensor;
  int axis = 0;        // per-axis and per-block
  int block_size = 0;  // per-block
  std::vector<float> scales;
  std::vector<int32_t> zero_points;  // empty means all zero

  static QuantSpec PerTensor(float scale, int32_t zero_point = 0);
  static QuantSpec PerAxis(int axis, std::vector<float> scales, std::vector<int32_t> zero_points);
  static QuantSpec PerBlock(int axis, int block_size, std::vector<float> scales,
                            std::vector<int32_t> zero_points);

  // Drops all-zero zero points so equal specs compare (and print) equal.
  void Canonicalize();
  // The number of scales the spec needs for `shape`; nullopt when the shape cannot tell.
  std::optional<int64_t> ExpectedScaleCount(const Shape& shape) const;

  bool operator==(const QuantSpec&) const = default;
  // Text form inside `<...>` of a type, e.g. "per_tensor scale=0.5 zero_point=3".
  std::string ToString() const;
};

}  // namespace kiln::ir
