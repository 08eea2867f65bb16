#include "passes/quantize/weight_quant.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace kiln::quant {
namespace {

// Where each element's scale lives: the shape seen as [outer, dim, inner] around `axis`.
struct GroupLayout {
  int axis = 0;
  int64_t outer = 1, dim = 1, inner = 1;
  int64_t block = 0;   // 0: per channel
  int64_t blocks = 1;  // per block: ceil(dim / block)
  int64_t num_elements = 1;
  int64_t num_groups = 0;

  int64_t GroupOf(int64_t flat) const {
    const int64_t a = (flat / inner) % dim;
    if (block == 0) return a;
    const int64_t o = flat / (inner * dim);
    return (o * blocks + a / block) * inner + flat % inner;
  }
};

std::string ShapeText(std::span<const int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

Expected<GroupLayout> MakeLayout(std::span<const int64_t> shape,
                                 const WeightQuantOptions& options) {
  const std::string where = "weight quantization of " + ShapeText(shape) + ": ";
  if (options.bits != 8 && options.bits != 4) {
    return Status::Error(where + std::to_string(options.bits) + " bits, expected 8 or 4");
  }
  if (options.block_size < 0) {
    return Status::Error(where + "negative block size " + std::to_string(options.block_size));
  }
  const int rank = static_cast<int>(shape.size());
  const int axis = options.axis < 0 ? options.axis + rank : options.axis;
  if (axis < 0 || axis >= rank) {
    return Status::Error(where + "axis " + std::to_string(options.axis) + " out of range");
  }
  GroupLayout l;
  l.axis = axis;
  for (int d = 0; d < rank; ++d) {
    if (shape[d] < 0) return Status::Error(where + "negative dimension");
    if (shape[d] != 0 && l.num_elements > std::numeric_limits<int64_t>::max() / shape[d]) {
      return Status::Error(where + "too many elements");
    }
    l.num_elements *= shape[d];
    if (d < axis) l.outer *= shape[d];
    if (d > axis) l.inner *= shape[d];
  }
  l.dim = shape[axis];
  if (options.block_size == 0) {
    l.num_groups = l.dim;
  } else {
    l.block = options.block_size;
    l.blocks = (l.dim + l.block - 1) / l.block;
    l.num_groups = l.outer * l.blocks * l.inner;
  }
  return l;
}

int64_t PackedBytes(int64_t count, int bits) { return bits == 8 ? count : (count + 1) / 2; }

// The shrink factors of the max|w| scale SearchScales tries: 1, 0.98, ..., 0.72.
constexpr int kScaleCandidates = 15;
float Shrink(int c) { return 1.0f - 0.02f * static_cast<float>(c); }

GroupQuantParams Candidate(GroupQuantParams p, int c) {
  return {.scale = std::max(p.scale * Shrink(c), std::numeric_limits<float>::min())};
}

// Replaces each group's scale by the candidate (max|w| / qmax times a shrink factor) with the
// smallest squared rounding error over the group; ties keep the larger scale.
void SearchScales(std::span<const float> w, const GroupLayout& l, const WeightQuantOptions& options,
                  std::vector<GroupQuantParams>& params) {
  std::vector<double> error(l.num_groups * kScaleCandidates, 0.0);
  for (int64_t i = 0; i < l.num_elements; ++i) {
    const int64_t g = l.GroupOf(i);
    for (int c = 0; c < kScaleCandidates; ++c) {
      const GroupQuantParams p = Candidate(params[g], c);
      const double d = DequantizeValue(QuantizeValue(w[i], p, options), p) - w[i];
      error[g * kScaleCandidates + c] += d * d;
    }
  }
  for (int64_t g = 0; g < l.num_groups; ++g) {
    int best = 0;
    for (int c = 1; c < kScaleCandidates; ++c) {
      if (error[g * kScaleCandidates + c] < error[g * kScaleCandidates + best]) best = c;
    }
    params[g] = Candidate(params[g], best);
  }
}

}  // namespace

int32_t QuantMin(const WeightQuantOptions& options) {
  if (!options.symmetric) return 0;
  return options.bits == 8 ? -127 : -7;
}

int32_t QuantMax(const WeightQuantOptions& options) {
  if (!options.symmetric) return options.bits == 8 ? 255 : 15;
  return options.bits == 8 ? 127 : 7;
}

GroupQuantParams ChooseGroupParams(double lo, double hi, const WeightQuantOptions& options) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  const int32_t qmin = QuantMin(options), qmax = QuantMax(options);
  // The span in f32, divided in f32: scale = max|w| / qmax is then the f32 quotient.
  const double span = options.symmetric ? std::max(-lo, hi) : hi - lo;
  const float range = static_cast<float>(std::min<double>(span, std::numeric_limits<float>::max()));
  GroupQuantParams p;
  if (range == 0) return p;  // all zero: scale 1, zero point 0
  const float scale = range / static_cast<float>(options.symmetric ? qmax : qmax - qmin);
  p.scale = std::max(scale, std::numeric_limits<float>::min());
  if (!options.symmetric) {
    const double zp = std::nearbyint(qmin - lo / p.scale);
    p.zero_point = static_cast<int32_t>(std::clamp<double>(zp, qmin, qmax));
  }
  return p;
}

GroupQuantParams FitGroupParams(std::span<const float> group, const WeightQuantOptions& options) {
  double lo = 0, hi = 0;
  for (float v : group) {
    lo = std::min<double>(lo, v);
    hi = std::max<double>(hi, v);
  }
  const GroupQuantParams range = ChooseGroupParams(lo, hi, options);
  if (!options.search_scale || !options.symmetric) return range;
  GroupQuantParams best = range;
  double best_error = std::numeric_limits<double>::infinity();
  for (int c = 0; c < kScaleCandidates; ++c) {
    const GroupQuantParams p = Candidate(range, c);
    double error = 0;
    for (float v : group) {
      const double d = DequantizeValue(QuantizeValue(v, p, options), p) - v;
      error += d * d;
    }
    if (error < best_error) {
      best_error = error;
      best = p;
    }
  }
  return best;
}

int32_t QuantizeValue(float w, GroupQuantParams p, const WeightQuantOptions& options) {
  // The same expression as ref::Quantize: f32 division, then round half to even in double.
  double q = std::nearbyint(static_cast<double>(w / p.scale));
  q += p.zero_point;
  if (std::isnan(q)) return 0;
  return static_cast<int32_t>(std::clamp<double>(q, QuantMin(options), QuantMax(options)));
}

std::vector<uint8_t> PackCodes(std::span<const int32_t> codes, int bits) {
  const int64_t n = static_cast<int64_t>(codes.size());
  std::vector<uint8_t> data(PackedBytes(n, bits), 0);
  for (int64_t i = 0; i < n; ++i) {
    const auto bits_of = static_cast<uint8_t>(codes[i]);  // two's complement for negatives
    if (bits == 8) {
      data[i] = bits_of;
    } else {
      data[i / 2] |= static_cast<uint8_t>((bits_of & 0x0f) << (i % 2 * 4));
    }
  }
  return data;
}

std::vector<int32_t> UnpackCodes(std::span<const uint8_t> data, int64_t count,
                                 const WeightQuantOptions& options) {
  std::vector<int32_t> codes(count);
  for (int64_t i = 0; i < count; ++i) {
    if (options.bits == 8) {
      codes[i] = options.symmetric ? static_cast<int8_t>(data[i]) : data[i];
    } else {
      const int v = (data[i / 2] >> (i % 2 * 4)) & 0x0f;
      codes[i] = options.symmetric && v >= 8 ? v - 16 : v;
    }
  }
  return codes;
}

Expected<int64_t> WeightScaleCount(std::span<const int64_t> shape,
                                   const WeightQuantOptions& options) {
  Expected<GroupLayout> l = MakeLayout(shape, options);
  if (!l) return l.error();
  return l->num_groups;
}

Expected<QuantizedWeight> QuantizeWeight(std::span<const float> w, std::span<const int64_t> shape,
                                         const WeightQuantOptions& options) {
  Expected<GroupLayout> l = MakeLayout(shape, options);
  if (!l) return l.error();
  if (static_cast<int64_t>(w.size()) != l->num_elements) {
    return Status::Error("weight quantization: " + std::to_string(w.size()) + " values for shape " +
                         ShapeText(shape));
  }
  std::vector<double> lo(l->num_groups, 0.0), hi(l->num_groups, 0.0);
  for (int64_t i = 0; i < l->num_elements; ++i) {
    if (!std::isfinite(w[i])) {
      return Status::Error("weight quantization: element " + std::to_string(i) + " of " +
                           ShapeText(shape) + " is not finite");
    }
    const int64_t g = l->GroupOf(i);
    lo[g] = std::min<double>(lo[g], w[i]);
    hi[g] = std::max<double>(hi[g], w[i]);
  }
  std::vector<GroupQuantParams> params(l->num_groups);
  QuantizedWeight q;
  q.scales.resize(l->num_groups);
  if (!options.symmetric) q.zero_points.resize(l->num_groups);
  for (int64_t g = 0; g < l->num_groups; ++g) params[g] = ChooseGroupParams(lo[g], hi[g], options);
  if (options.search_scale && options.symmetric) SearchScales(w, *l, options, params);
  for (int64_t g = 0; g < l->num_groups; ++g) {
    q.scales[g] = params[g].scale;
    if (!options.symmetric) q.zero_points[g] = params[g].zero_point;
  }
  std::vector<int32_t> codes(l->num_elements);
  for (int64_t i = 0; i < l->num_elements; ++i) {
    codes[i] = QuantizeValue(w[i], params[l->GroupOf(i)], options);
  }
  q.data = PackCodes(codes, options.bits);
  return q;
}

Expected<std::vector<float>> DequantizeWeight(const QuantizedWeight& q,
                                              std::span<const int64_t> shape,
                                              const WeightQuantOptions& options) {
  Expected<GroupLayout> l = MakeLayout(shape, options);
  if (!l) return l.error();
  const std::string where = "weight dequantization of " + ShapeText(shape) + ": ";
  if (static_cast<int64_t>(q.scales.size()) != l->num_groups) {
    return Status::Error(where + std::to_string(q.scales.size()) + " scales, expected " +
                         std::to_string(l->num_groups));
  }
  if (!q.zero_points.empty() && q.zero_points.size() != q.scales.size()) {
    return Status::Error(where + std::to_string(q.zero_points.size()) + " zero points for " +
                         std::to_string(q.scales.size()) + " scales");
  }
  if (static_cast<int64_t>(q.data.size()) != PackedBytes(l->num_elements, options.bits)) {
    return Status::Error(where + std::to_string(q.data.size()) + " data bytes, expected " +
                         std::to_string(PackedBytes(l->num_elements, options.bits)));
  }
  std::vector<int32_t> codes = UnpackCodes(q.data, l->num_elements, options);
  std::vector<float> w(l->num_elements);
  for (int64_t i = 0; i < l->num_elements; ++i) {
    const int64_t g = l->GroupOf(i);
    GroupQuantParams p{q.scales[g], q.zero_points.empty() ? 0 : q.zero_points[g]};
    w[i] = DequantizeValue(codes[i], p);
  }
  return w;
}

ir::QuantSpec ToQuantSpec(const QuantizedWeight& q, int rank, const WeightQuantOptions& options) {
  const int axis = options.axis < 0 ? options.axis + rank : options.axis;
  if (options.block_size == 0) return ir::QuantSpec::PerAxis(axis, q.scales, q.zero_points);
  return ir::QuantSpec::PerBlock(axis, options.block_size, q.scales, q.zero_points);
}

}  // namespace kiln::quant
