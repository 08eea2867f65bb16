// NonMaxSuppression (ONNX): per batch and class, greedily keeps the highest-scoring boxes and
// drops every later box whose IoU with a kept one exceeds the threshold.
//
//   NmsParams p{.max_output_boxes_per_class = 10, .iou_threshold = 0.5f};
//   rt::Result<Tensor> sel = NonMaxSuppression(boxes, scores, p);  // i64 [K, 3]
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

struct NmsParams {
  int64_t max_output_boxes_per_class = 0;  // <= 0 selects nothing
  float iou_threshold = 0.0f;
  std::optional<float> score_threshold{};  // boxes must score strictly above it
  bool center_point_box = false;           // boxes are [xc, yc, w, h], not [y1, x1, y2, x2]
};

// boxes [B, N, 4] and scores [B, C, N], f32 or f64. The result lists the selected boxes as
// i64 rows (batch, class, box index): batches, then classes, in order, and within one class in
// selection order (score descending, lower index first on ties).
rt::Result<Tensor> NonMaxSuppression(const Tensor& boxes, const Tensor& scores, const NmsParams& p);

}  // namespace kiln::ref
