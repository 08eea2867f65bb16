#include "runtime/reference/kernels/non_max_suppression.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

// Boxes [y1, x1, y2, x2]: A, then B shifted right by 0.1 (IoU with A = 0.9 / 1.1 = 0.818),
// then C far away, then D overlapping C by IoU 1/3.
const std::vector<float> kBoxes = {0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 5, 1, 6, 0, 5.5f, 1, 6.5f};

std::vector<int64_t> Select(const std::vector<float>& boxes, const std::vector<float>& scores,
                            int64_t batches, int64_t classes, const NmsParams& p) {
  const int64_t n = static_cast<int64_t>(boxes.size()) / 4 / batches;
  Tensor b = Tensor::FromVector(DType::kF32, {batches, n, 4}, boxes);
  Tensor s = Tensor::FromVector(DType::kF32, {batches, classes, n}, scores);
  rt::Result<Tensor> sel = NonMaxSuppression(b, s, p);
  EXPECT_TRUE(sel.ok()) << sel.status().message();
  if (!sel.ok()) return {};
  EXPECT_EQ(sel->dtype(), DType::kI64);
  EXPECT_EQ(sel->dim(1), 3);
  return std::vector<int64_t>(sel->data<int64_t>(), sel->data<int64_t>() + sel->num_elements());
}

TEST(NonMaxSuppressionTest, SuppressesByIouInScoreOrder) {
  const std::vector<float> scores = {0.8f, 0.9f, 0.7f, 0.75f};
  // B (best) suppresses A; D suppresses C only when the threshold is below 1/3.
  EXPECT_EQ(Select(kBoxes, scores, 1, 1, {.max_output_boxes_per_class = 10, .iou_threshold = 0.5f}),
            (std::vector<int64_t>{0, 0, 1, 0, 0, 3, 0, 0, 2}));
  EXPECT_EQ(Select(kBoxes, scores, 1, 1, {.max_output_boxes_per_class = 10, .iou_threshold = 0.3f}),
            (std::vector<int64_t>{0, 0, 1, 0, 0, 3}));
  EXPECT_EQ(Select(kBoxes, scores, 1, 1, {.max_output_boxes_per_class = 10, .iou_threshold = 0.9f}),
            (std::vector<int64_t>{0, 0, 1, 0, 0, 0, 0, 0, 3, 0, 0, 2}));
}

TEST(NonMaxSuppressionTest, LimitsScoreThresholdAndDefaults) {
  const std::vector<float> scores = {0.8f, 0.9f, 0.7f, 0.75f};
  EXPECT_EQ(Select(kBoxes, scores, 1, 1, {.max_output_boxes_per_class = 2, .iou_threshold = 0.5f}),
            (std::vector<int64_t>{0, 0, 1, 0, 0, 3}));
  EXPECT_EQ(
      Select(kBoxes, scores, 1, 1,
             {.max_output_boxes_per_class = 10, .iou_threshold = 0.5f, .score_threshold = 0.75f}),
      (std::vector<int64_t>{0, 0, 1}));
  // max_output_boxes_per_class 0 (its default) selects nothing.
  EXPECT_TRUE(Select(kBoxes, scores, 1, 1, {}).empty());
}

TEST(NonMaxSuppressionTest, CenterFormatAndFlippedCornersAgree) {
  // The same four boxes as [xc, yc, w, h] and with corners swapped.
  const std::vector<float> center = {0.5f, 0.5f, 1, 1, 0.6f, 0.5f, 1, 1,
                                     5.5f, 0.5f, 1, 1, 6.0f, 0.5f, 1, 1};
  const std::vector<float> flipped = {1, 1, 0, 0, 1, 1.1f, 0, 0.1f, 1, 6, 0, 5, 0, 6.5f, 1, 5.5f};
  const std::vector<float> scores = {0.8f, 0.9f, 0.7f, 0.75f};
  const std::vector<int64_t> want = {0, 0, 1, 0, 0, 3, 0, 0, 2};
  EXPECT_EQ(
      Select(center, scores, 1, 1,
             {.max_output_boxes_per_class = 10, .iou_threshold = 0.5f, .center_point_box = true}),
      want);
  EXPECT_EQ(
      Select(flipped, scores, 1, 1, {.max_output_boxes_per_class = 10, .iou_threshold = 0.5f}),
      want);
}

TEST(NonMaxSuppressionTest, OrdersByBatchThenClassAndBreaksTiesByIndex) {
  std::vector<float> boxes = kBoxes;
  boxes.insert(boxes.end(), kBoxes.begin(), kBoxes.end());
  // Batch 0: class 0 ties everywhere, class 1 prefers D. Batch 1: class 0 prefers C.
  const std::vector<float> scores = {0.5f, 0.5f, 0.5f, 0.5f, 0.1f, 0.2f, 0.3f, 0.4f,
                                     0.1f, 0.1f, 0.9f, 0.1f, 0.0f, 0.0f, 0.0f, 0.0f};
  EXPECT_EQ(Select(boxes, scores, 2, 2, {.max_output_boxes_per_class = 1, .iou_threshold = 0.5f}),
            (std::vector<int64_t>{0, 0, 0, 0, 1, 3, 1, 0, 2, 1, 1, 0}));
}

TEST(NonMaxSuppressionTest, RejectsMismatchedShapes) {
  Tensor b = Tensor::FromVector(DType::kF32, {1, 2, 4}, std::vector<float>(8, 0.0f));
  Tensor s = Tensor::FromVector(DType::kF32, {1, 1, 3}, std::vector<float>(3, 0.0f));
  EXPECT_FALSE(NonMaxSuppression(b, s, {.max_output_boxes_per_class = 1}).ok());
}

}  // namespace
}  // namespace kiln::ref
