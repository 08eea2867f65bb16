#include "ir/quant_spec.h"

#include <algorithm>

#include "ir/number_format.h"

namespace kiln::ir {
namespace {

std::string FormatScales(const std::vector<float>& scales) {
  std::string s = "[";
  for (size_t i = 0; i < scales.size(); ++i) {
    if (i) s += ",";
    s += FormatFloat(scales[i]);
  }
  return s + "]";
}

std::string FormatZeroPoints(const std::vector<int32_t>& zps) {
  std::string s = "[";
  for (size_t i = 0; i < zps.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(zps[i]);
  }
  return s + "]";
}

}  // namespace

QuantSpec QuantSpec::PerTensor(float scale, int32_t zero_point) {
  QuantSpec q;
  q.scales = {scale};
  q.zero_points = {zero_point};
  q.Canonicalize();
  return q;
}

QuantSpec QuantSpec::PerAxis(int axis, std::vector<float> scales,
                             std::vector<int32_t> zero_points) {
  QuantSpec q;
  q.granularity = QuantGranularity::kPerAxis;
  q.axis = axis;
  q.scales = std::move(scales);
  q.zero_points = std::move(zero_points);
  q.Canonicalize();
  return q;
}

QuantSpec QuantSpec::PerBlock(int axis, int block_size, std::vector<float> scales,
                              std::vector<int32_t> zero_points) {
  QuantSpec q = PerAxis(axis, std::move(scales), std::move(zero_points));
  q.granularity = QuantGranularity::kPerBlock;
  q.block_size = block_size;
  return q;
}

void QuantSpec::Canonicalize() {
  if (granularity == QuantGranularity::kPerTensor) axis = 0;
  if (granularity != QuantGranularity::kPerBlock) block_size = 0;
  if (std::all_of(zero_points.begin(), zero_points.end(), [](int32_t z) { return z == 0; })) {
    zero_points.clear();
  }
}

std::optional<int64_t> QuantSpec::ExpectedScaleCount(const Shape& shape) const {
  switch (granularity) {
    case QuantGranularity::kPerTensor:
      return 1;
    case QuantGranularity::kPerAxis:
      if (!shape.is_ranked() || axis < 0 || axis >= shape.rank()) return std::nullopt;
      if (!shape.dim(axis).is_static()) return std::nullopt;
      return shape.dim(axis).size();
    case QuantGranularity::kPerBlock: {
      if (!shape.is_static() || axis < 0 || axis >= shape.rank() || block_size <= 0) {
        return std::nullopt;
      }
      int64_t n = 1;
      for (int i = 0; i < shape.rank(); ++i) {
        int64_t d = shape.dim(i).size();
        n *= i == axis ? (d + block_size - 1) / block_size : d;
      }
      return n;
    }
  }
  return std::nullopt;
}

std::string QuantSpec::ToString() const {
  switch (granularity) {
    case QuantGranularity::kPerTensor: {
      std::string s = "per_tensor scale=" + FormatFloat(scales.empty() ? 0.0f : scales[0]);
      if (!zero_points.empty()) s += " zero_point=" + std::to_string(zero_points[0]);
      return s;
    }
    case QuantGranularity::kPerAxis:
    case QuantGranularity::kPerBlock: {
      std::string s = granularity == QuantGranularity::kPerAxis ? "per_axis" : "per_block";
      s += " axis=" + std::to_string(axis);
      if (granularity == QuantGranularity::kPerBlock) {
        s += " block_size=" + std::to_string(block_size);
      }
      s += " scales=" + FormatScales(scales);
      if (!zero_points.empty()) s += " zero_points=" + FormatZeroPoints(zero_points);
      return s;
    }
  }
  return "";
}

}  // namespace kiln::ir
