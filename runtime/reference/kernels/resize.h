// Resize (ONNX Resize, opset 13-17): nearest, linear and cubic interpolation over any number of
// axes, with ONNX's coordinate transformation modes. Interpolation is separable, so it runs one
// axis at a time (axes whose size and coordinates do not change are skipped). Nearest works
// for every byte-sized dtype; linear and cubic need f32.
//
//   ResizeParams p;
//   p.mode = ResizeMode::kLinear;                    // half_pixel by default
//   rt::Result<Tensor> y = Resize(x, p, std::vector<float>{1, 1, 2, 2}, {});  // 2x upsample
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

enum class ResizeMode { kNearest, kLinear, kCubic };
enum class CoordinateTransform {
  kHalfPixel,
  kHalfPixelSymmetric,
  kPytorchHalfPixel,
  kAlignCorners,
  kAsymmetric,
  kTfHalfPixelForNn,
  kTfCropAndResize,
};
enum class NearestMode { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil };

// ONNX attribute spellings; "" gives ONNX's default.
rt::Result<ResizeMode> ParseResizeMode(std::string_view name);
rt::Result<CoordinateTransform> ParseCoordinateTransform(std::string_view name);
rt::Result<NearestMode> ParseNearestMode(std::string_view name);

struct ResizeParams {
  ResizeMode mode = ResizeMode::kNearest;
  CoordinateTransform coordinate_transform = CoordinateTransform::kHalfPixel;
  NearestMode nearest_mode = NearestMode::kRoundPreferFloor;
  double cubic_coeff_a = -0.75;
  bool exclude_outside = false;
  double extrapolation_value = 0.0;  // tf_crop_and_resize, outside the crop box
  std::vector<float> roi;            // tf_crop_and_resize: [starts..., ends...], normalized
};

// Exactly one of `scales` (one per axis; output dim floor(dim * scale), times the roi extent
// under tf_crop_and_resize) and `sizes` (one per axis) must be non-empty.
rt::Result<Tensor> Resize(const Tensor& x, const ResizeParams& params,
                          std::span<const float> scales, std::span<const int64_t> sizes);

}  // namespace kiln::ref
