// RoiAlign (ONNX opset 16): pools each region of interest of a feature map into a fixed
// [output_height, output_width] grid, averaging (or taking the max of) bilinearly interpolated
// samples inside every bin. Follows ONNX Runtime's reference algorithm, including its max mode.
//
//   RoiAlignParams p{.output_height = 7, .output_width = 7, .spatial_scale = 0.25f};
//   rt::Result<Tensor> y = RoiAlign(x, rois, batch_indices, p);   // y [R, C, 7, 7]
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

struct RoiAlignParams {
  bool max_mode = false;   // mode "max" instead of "avg"
  bool half_pixel = true;  // coordinate_transformation_mode "half_pixel" (opset 16 default)
  int64_t output_height = 1;
  int64_t output_width = 1;
  int64_t sampling_ratio = 0;  // samples per bin side; 0: ceil(roi size / output size)
  float spatial_scale = 1.0f;  // roi coordinates times this are pixel coordinates
};

// mode: "avg" or "max"; transform: "half_pixel" or "output_half_pixel" (empty: the defaults).
rt::Status ParseRoiAlignModes(std::string_view mode, std::string_view transform, RoiAlignParams& p);

// x [N, C, H, W] f32 or f64; rois [R, 4] (x1, y1, x2, y2) of x's dtype; batch_indices [R] any
// integer dtype. The result is [R, C, output_height, output_width].
rt::Result<Tensor> RoiAlign(const Tensor& x, const Tensor& rois, const Tensor& batch_indices,
                            const RoiAlignParams& p, int threads = 1);

}  // namespace kiln::ref
