#include "runtime/reference/kernels/non_max_suppression.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace kiln::ref {
namespace {

// A box as its sorted corners.
struct Corners {
  double x_min, y_min, x_max, y_max;
};

template <typename T>
Corners ToCorners(const T* b, bool center_point_box) {
  if (center_point_box) {
    const double xc = b[0], yc = b[1], w = b[2], h = b[3];
    return {xc - w / 2, yc - h / 2, xc + w / 2, yc + h / 2};
  }
  // [y1, x1, y2, x2], corners in either order.
  return {std::min<double>(b[1], b[3]), std::min<double>(b[0], b[2]), std::max<double>(b[1], b[3]),
          std::max<double>(b[0], b[2])};
}

// True if the boxes overlap by more than `threshold` IoU. Empty boxes suppress nothing.
bool Suppresses(const Corners& a, const Corners& b, double threshold) {
  const double ix = std::min(a.x_max, b.x_max) - std::max(a.x_min, b.x_min);
  const double iy = std::min(a.y_max, b.y_max) - std::max(a.y_min, b.y_min);
  if (ix <= 0 || iy <= 0) return false;
  const double area_a = (a.x_max - a.x_min) * (a.y_max - a.y_min);
  const double area_b = (b.x_max - b.x_min) * (b.y_max - b.y_min);
  if (area_a <= 0 || area_b <= 0) return false;
  const double inter = ix * iy;
  const double uni = area_a + area_b - inter;
  if (uni <= 0) return false;
  return inter / uni > threshold;
}

template <typename T>
std::vector<int64_t> Select(const Tensor& boxes, const Tensor& scores, const NmsParams& p) {
  const int64_t batches = boxes.dim(0), n = boxes.dim(1), classes = scores.dim(1);
  std::vector<int64_t> rows;
  if (p.max_output_boxes_per_class <= 0) return rows;
  std::vector<Corners> corners(n);
  std::vector<int64_t> order;
  std::vector<int64_t> kept;
  for (int64_t b = 0; b < batches; ++b) {
    for (int64_t i = 0; i < n; ++i) {
      corners[i] = ToCorners(boxes.data<T>() + (b * n + i) * 4, p.center_point_box);
    }
    for (int64_t c = 0; c < classes; ++c) {
      const T* score = scores.data<T>() + (b * classes + c) * n;
      order.clear();
      for (int64_t i = 0; i < n; ++i) {
        const double s = static_cast<double>(score[i]);
        if (std::isnan(s)) continue;  // keeps the sort's order strict
        if (!p.score_threshold || s > *p.score_threshold) order.push_back(i);
      }
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t i, int64_t j) { return score[i] > score[j]; });
      kept.clear();
      for (int64_t i : order) {
        if (static_cast<int64_t>(kept.size()) >= p.max_output_boxes_per_class) break;
        const bool suppressed = std::any_of(kept.begin(), kept.end(), [&](int64_t k) {
          return Suppresses(corners[k], corners[i], p.iou_threshold);
        });
        if (suppressed) continue;
        kept.push_back(i);
        rows.insert(rows.end(), {b, c, i});
      }
    }
  }
  return rows;
}

}  // namespace

rt::Result<Tensor> NonMaxSuppression(const Tensor& boxes, const Tensor& scores,
                                     const NmsParams& p) {
  if (boxes.rank() != 3 || boxes.dim(2) != 4 || scores.rank() != 3 ||
      scores.dim(0) != boxes.dim(0) || scores.dim(2) != boxes.dim(1)) {
    return rt::Status::Error("non_max_suppression: boxes " + ShapeString(boxes.shape()) +
                             " and scores " + ShapeString(scores.shape()) +
                             " must be [B,N,4] and [B,C,N]");
  }
  if ((boxes.dtype() != DType::kF32 && boxes.dtype() != DType::kF64) ||
      scores.dtype() != boxes.dtype()) {
    return rt::Status::Error("non_max_suppression: boxes and scores must both be f32 or f64");
  }
  const std::vector<int64_t> rows = boxes.dtype() == DType::kF32 ? Select<float>(boxes, scores, p)
                                                                 : Select<double>(boxes, scores, p);
  return Tensor::FromVector(DType::kI64, {static_cast<int64_t>(rows.size()) / 3, 3}, rows);
}

}  // namespace kiln::ref
