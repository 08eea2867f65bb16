#include "runtime/reference/kernels/resize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {
namespace {

// How one axis is resampled: each output index reads `taps` input indices with weights, or
// (under tf_crop_and_resize, outside the crop box) the extrapolation value.
struct AxisPlan {
  int64_t in_len = 0;
  int64_t out_len = 0;
  int taps = 1;
  std::vector<int64_t> index;    // out_len * taps
  std::vector<double> weight;    // out_len * taps
  std::vector<uint8_t> outside;  // out_len
  bool identity = false;
};

// The input coordinate of output index `x` (ONNX's coordinate_transformation_mode).
// `resized` is in_len * scale, possibly fractional, as ONNX's reference uses it.
double SourceCoordinate(const ResizeParams& p, double x, double scale, int64_t in_len,
                        double resized, float roi_start, float roi_end) {
  switch (p.coordinate_transform) {
    case CoordinateTransform::kHalfPixel:
      return (x + 0.5) / scale - 0.5;
    case CoordinateTransform::kHalfPixelSymmetric: {
      double adjustment = resized / (scale * static_cast<double>(in_len));
      double center = static_cast<double>(in_len) / 2;
      return center * (1 - adjustment) + (x + 0.5) / scale - 0.5;
    }
    case CoordinateTransform::kPytorchHalfPixel:
      return resized > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
    case CoordinateTransform::kAlignCorners:
      return resized == 1 ? 0.0 : x * static_cast<double>(in_len - 1) / (resized - 1);
    case CoordinateTransform::kAsymmetric:
      return x / scale;
    case CoordinateTransform::kTfHalfPixelForNn:
      return (x + 0.5) / scale;
    case CoordinateTransform::kTfCropAndResize: {
      double extent = static_cast<double>(in_len - 1);
      if (resized == 1) return 0.5 * (roi_start + roi_end) * extent;
      return roi_start * extent + x * (roi_end - roi_start) * extent / (resized - 1);
    }
  }
  return 0.0;
}

int64_t NearestIndex(NearestMode mode, double c) {
  double f = std::floor(c);
  switch (mode) {
    case NearestMode::kRoundPreferFloor:
      return static_cast<int64_t>(c - f == 0.5 ? f : std::round(c));
    case NearestMode::kRoundPreferCeil:
      return static_cast<int64_t>(c - f == 0.5 ? f + 1 : std::round(c));
    case NearestMode::kFloor:
      return static_cast<int64_t>(f);
    case NearestMode::kCeil:
      return static_cast<int64_t>(std::ceil(c));
  }
  return 0;
}

// Keys' cubic convolution weights for the four taps floor-1 .. floor+2 at fraction t.
void CubicWeights(double a, double t, double w[4]) {
  auto near = [a](double d) { return ((a + 2) * d - (a + 3)) * d * d + 1; };       // |d| <= 1
  auto far = [a](double d) { return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; };  // 1 < |d| < 2
  w[0] = far(t + 1);
  w[1] = near(t);
  w[2] = near(1 - t);
  w[3] = far(2 - t);
}

AxisPlan PlanAxis(const ResizeParams& p, int64_t in_len, int64_t out_len, double scale,
                  float roi_start, float roi_end) {
  AxisPlan plan;
  plan.in_len = in_len;
  plan.out_len = out_len;
  plan.taps = p.mode == ResizeMode::kNearest ? 1 : p.mode == ResizeMode::kLinear ? 2 : 4;
  plan.outside.assign(out_len, 0);
  double resized = scale * static_cast<double>(in_len);
  bool crop = p.coordinate_transform == CoordinateTransform::kTfCropAndResize;
  plan.identity = in_len == out_len && !crop;
  for (int64_t j = 0; j < out_len; ++j) {
    double c =
        SourceCoordinate(p, static_cast<double>(j), scale, in_len, resized, roi_start, roi_end);
    if (crop && (c < 0 || c > static_cast<double>(in_len - 1))) plan.outside[j] = 1;
    double w[4] = {1, 0, 0, 0};
    int64_t first;
    if (p.mode == ResizeMode::kNearest) {
      first = NearestIndex(p.nearest_mode, c);
    } else {
      double f = std::floor(c);
      double t = c - f;
      if (p.mode == ResizeMode::kLinear) {
        first = static_cast<int64_t>(f);
        w[0] = 1 - t;
        w[1] = t;
      } else {
        first = static_cast<int64_t>(f) - 1;
        CubicWeights(p.cubic_coeff_a, t, w);
      }
    }
    if (p.exclude_outside && plan.taps > 1) {
      double sum = 0;
      for (int k = 0; k < plan.taps; ++k) {
        if (first + k < 0 || first + k >= in_len) w[k] = 0;
        sum += w[k];
      }
      for (int k = 0; k < plan.taps; ++k) w[k] = sum != 0 ? w[k] / sum : 0;
    }
    for (int k = 0; k < plan.taps; ++k) {
      int64_t i = std::clamp<int64_t>(first + k, 0, in_len - 1);  // edge padding
      plan.index.push_back(i);
      plan.weight.push_back(w[k]);
      // An axis stays the identity while every output reads just its own index.
      if (w[k] != 0 && (i != j || w[k] != 1)) plan.identity = false;
    }
  }
  return plan;
}

// Resamples axis `axis` of a dense f32 tensor [outer, in_len, inner] -> [outer, out_len, inner].
void InterpolateAxis(const AxisPlan& plan, const ResizeParams& p, int64_t outer, int64_t inner,
                     const float* src, float* dst) {
  for (int64_t o = 0; o < outer; ++o) {
    const float* s = src + o * plan.in_len * inner;
    float* d = dst + o * plan.out_len * inner;
    for (int64_t j = 0; j < plan.out_len; ++j) {
      float* row = d + j * inner;
      if (plan.outside[j]) {
        std::fill_n(row, inner, static_cast<float>(p.extrapolation_value));
        continue;
      }
      std::fill_n(row, inner, 0.0f);
      for (int k = 0; k < plan.taps; ++k) {
        double w = plan.weight[j * plan.taps + k];
        if (w == 0) continue;
        const float* in_row = s + plan.index[j * plan.taps + k] * inner;
        for (int64_t i = 0; i < inner; ++i) row[i] += static_cast<float>(w * in_row[i]);
      }
    }
  }
}

// Nearest along one axis for any element size: a copy of whole inner rows.
void NearestAxis(const AxisPlan& plan, int elem, int64_t outer, int64_t inner, const uint8_t* src,
                 uint8_t* dst, const uint8_t* fill) {
  size_t row_bytes = static_cast<size_t>(inner * elem);
  for (int64_t o = 0; o < outer; ++o) {
    const uint8_t* s = src + o * plan.in_len * row_bytes;
    uint8_t* d = dst + o * plan.out_len * row_bytes;
    for (int64_t j = 0; j < plan.out_len; ++j) {
      if (plan.outside[j]) {
        for (int64_t i = 0; i < inner; ++i) std::memcpy(d + j * row_bytes + i * elem, fill, elem);
      } else {
        std::memcpy(d + j * row_bytes, s + plan.index[j] * row_bytes, row_bytes);
      }
    }
  }
}

}  // namespace

rt::Result<ResizeMode> ParseResizeMode(std::string_view name) {
  if (name.empty() || name == "nearest") return ResizeMode::kNearest;
  if (name == "linear") return ResizeMode::kLinear;
  if (name == "cubic") return ResizeMode::kCubic;
  return rt::Status::Error("resize: unknown mode '" + std::string(name) + "'");
}

rt::Result<CoordinateTransform> ParseCoordinateTransform(std::string_view name) {
  if (name.empty() || name == "half_pixel") return CoordinateTransform::kHalfPixel;
  if (name == "half_pixel_symmetric") return CoordinateTransform::kHalfPixelSymmetric;
  if (name == "pytorch_half_pixel") return CoordinateTransform::kPytorchHalfPixel;
  if (name == "align_corners") return CoordinateTransform::kAlignCorners;
  if (name == "asymmetric") return CoordinateTransform::kAsymmetric;
  if (name == "tf_half_pixel_for_nn") return CoordinateTransform::kTfHalfPixelForNn;
  if (name == "tf_crop_and_resize") return CoordinateTransform::kTfCropAndResize;
  return rt::Status::Error("resize: unknown coordinate_transformation_mode '" + std::string(name) +
                           "'");
}

rt::Result<NearestMode> ParseNearestMode(std::string_view name) {
  if (name.empty() || name == "round_prefer_floor") return NearestMode::kRoundPreferFloor;
  if (name == "round_prefer_ceil") return NearestMode::kRoundPreferCeil;
  if (name == "floor") return NearestMode::kFloor;
  if (name == "ceil") return NearestMode::kCeil;
  return rt::Status::Error("resize: unknown nearest_mode '" + std::string(name) + "'");
}

rt::Result<Tensor> Resize(const Tensor& x, const ResizeParams& params,
                          std::span<const float> scales, std::span<const int64_t> sizes) {
  int rank = x.rank();
  bool crop = params.coordinate_transform == CoordinateTransform::kTfCropAndResize;
  if (scales.empty() == sizes.empty()) {
    return rt::Status::Error("resize needs exactly one of scales and sizes");
  }
  if (static_cast<int>(scales.size() + sizes.size()) != rank) {
    return rt::Status::Error("resize: " + std::to_string(scales.size() + sizes.size()) +
                             " scales or sizes for rank " + std::to_string(rank));
  }
  if (crop && static_cast<int>(params.roi.size()) != 2 * rank) {
    return rt::Status::Error("resize: tf_crop_and_resize needs a roi of " +
                             std::to_string(2 * rank) + " values");
  }
  if (params.mode != ResizeMode::kNearest && x.dtype() != DType::kF32) {
    return rt::Status::Error("resize: linear and cubic modes need f32, got " +
                             std::string(rt::DTypeName(x.dtype())));
  }
  rt::Result<int> elem = ElementBytes(x.dtype(), "resize");
  if (!elem.ok()) return elem.status();

  std::vector<AxisPlan> plans;
  for (int i = 0; i < rank; ++i) {
    float roi_start = crop ? params.roi[i] : 0.0f;
    float roi_end = crop ? params.roi[i + rank] : 1.0f;
    int64_t in_len = x.dim(i);
    int64_t out_len;
    double scale;
    if (!sizes.empty()) {
      out_len = sizes[i];
      if (out_len < 0) return rt::Status::Error("resize: negative size " + std::to_string(out_len));
      scale = in_len > 0 ? static_cast<double>(out_len) / static_cast<double>(in_len) : 1.0;
    } else {
      scale = scales[i];
      if (!(scale > 0))
        return rt::Status::Error("resize: scale " + std::to_string(scale) + " is not positive");
      double extent = crop ? static_cast<double>(roi_end) - roi_start : 1.0;
      out_len = static_cast<int64_t>(std::floor(static_cast<double>(in_len) * extent * scale));
    }
    if (in_len == 0 && out_len > 0) {
      return rt::Status::Error("resize: cannot resize the empty axis " + std::to_string(i));
    }
    plans.push_back(PlanAxis(params, in_len, out_len, scale, roi_start, roi_end));
  }

  Tensor current = x;
  for (int i = 0; i < rank; ++i) {
    const AxisPlan& plan = plans[i];
    if (plan.identity) continue;
    Shape shape = current.shape();
    shape[i] = plan.out_len;
    rt::Result<Tensor> next = Tensor::Empty(x.dtype(), shape);
    if (!next.ok()) return next;
    int64_t outer = 1;
    for (int d = 0; d < i; ++d) outer *= shape[d];
    int64_t inner = 1;
    for (int d = i + 1; d < rank; ++d) inner *= shape[d];
    if (NumElements(shape) > 0) {
      if (params.mode == ResizeMode::kNearest) {
        // The extrapolation value in x's dtype (only f32 can hold a fractional one).
        uint8_t fill[8] = {};
        if (x.dtype() == DType::kF32) {
          float v = static_cast<float>(params.extrapolation_value);
          std::memcpy(fill, &v, sizeof(v));
        }
        NearestAxis(plan, *elem, outer, inner, static_cast<const uint8_t*>(current.raw()),
                    static_cast<uint8_t*>(next->mutable_raw()), fill);
      } else {
        InterpolateAxis(plan, params, outer, inner, current.data<float>(),
                        next->mutable_data<float>());
      }
    }
    current = std::move(*next);
  }
  if (current.raw() == x.raw()) {
    // Every axis was the identity: still return a tensor of our own.
    rt::Result<Tensor> copy = Tensor::Empty(x.dtype(), x.shape());
    if (!copy.ok()) return copy;
    if (x.num_bytes() > 0) std::memcpy(copy->mutable_raw(), x.raw(), x.num_bytes());
    return copy;
  }
  return current;
}

}  // namespace kiln::ref
