// GridSample (ONNX opset 16, 4-D): samples X at the normalized (x, y) positions of a grid,
// with bilinear, nearest or bicubic interpolation, and zeros, border or reflection padding.
// Positions follow PyTorch's grid_sample, which the ONNX operator is defined against.
//
//   GridSampleParams p{.mode = GridSampleMode::kBilinear, .align_corners = false};
//   rt::Result<Tensor> y = GridSample(x, grid, p);   // x [N,C,H,W], grid [N,Ho,Wo,2]
#pragma once

#include <string_view>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

enum class GridSampleMode { kBilinear, kNearest, kBicubic };
enum class GridSamplePadding { kZeros, kBorder, kReflection };

// ONNX's attribute strings; empty means the default (bilinear, zeros).
rt::Result<GridSampleMode> ParseGridSampleMode(std::string_view name);
rt::Result<GridSamplePadding> ParseGridSamplePadding(std::string_view name);

struct GridSampleParams {
  GridSampleMode mode = GridSampleMode::kBilinear;
  GridSamplePadding padding = GridSamplePadding::kZeros;
  // True: -1 and 1 are the centres of the corner pixels; false: their outer edges.
  bool align_corners = false;
};

// x [N, C, H, W] and grid [N, Ho, Wo, 2] (x then y, each in [-1, 1] inside the image), both
// f32 or f64; the result is [N, C, Ho, Wo] of x's dtype.
rt::Result<Tensor> GridSample(const Tensor& x, const Tensor& grid, const GridSampleParams& p,
                              int threads = 1);

}  // namespace kiln::ref
