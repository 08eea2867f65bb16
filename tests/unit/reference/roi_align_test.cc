#include "runtime/reference/kernels/roi_align.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace kiln::ref {
namespace {

// A map whose value is linear in the position, f(y, x) = 10 y + x + 1 (channel c adds 100c):
// bilinear interpolation is exact on it, so averaging samples gives f at their mean position.
Tensor LinearMap(int64_t c, int64_t h, int64_t w) {
  std::vector<float> v;
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) v.push_back(static_cast<float>(100 * ch + 10 * y + x + 1));
  return Tensor::FromVector(DType::kF32, {1, c, h, w}, v);
}

TEST(RoiAlignTest, AveragesToBinCentresOnLinearMap) {
  Tensor x = LinearMap(2, 8, 8);
  Tensor rois =
      Tensor::FromVector(DType::kF32, {2, 4}, std::vector<float>{2, 2, 10, 10, 1, 3, 9, 11});
  Tensor batch = Tensor::FromVector(DType::kI64, {2}, std::vector<int64_t>{0, 0});
  // spatial_scale 0.5 halves the boxes to [1,1,5,5] and [0.5,1.5,4.5,5.5].
  for (int64_t ratio : {0, 2, 3}) {
    RoiAlignParams p{
        .output_height = 2, .output_width = 2, .sampling_ratio = ratio, .spatial_scale = 0.5f};
    rt::Result<Tensor> y = RoiAlign(x, rois, batch, p);
    ASSERT_TRUE(y.ok()) << y.status().message();
    ASSERT_EQ(y->shape(), (Shape{2, 2, 2, 2}));
    const float* box = rois.data<float>();
    for (int64_t r = 0; r < 2; ++r) {
      // half_pixel: the box starts half a pixel earlier; each bin is 2 pixels.
      const double x0 = box[4 * r] * 0.5 - 0.5, y0 = box[4 * r + 1] * 0.5 - 0.5;
      for (int64_t c = 0; c < 2; ++c)
        for (int64_t i = 0; i < 2; ++i)
          for (int64_t j = 0; j < 2; ++j) {
            const double want = 100 * c + 10 * (y0 + 2 * i + 1) + (x0 + 2 * j + 1) + 1;
            const double got = y->data<float>()[((r * 2 + c) * 2 + i) * 2 + j];
            EXPECT_LT(std::abs(got - want) / want, 1e-6) << r << c << i << j;
          }
    }
  }
}

TEST(RoiAlignTest, OutputHalfPixelHasNoOffsetAndMinimumSize) {
  Tensor x = LinearMap(1, 6, 6);
  // A degenerate box grows to one pixel: its one bin samples the centre (2.5, 1.5).
  Tensor rois = Tensor::FromVector(DType::kF32, {1, 4}, std::vector<float>{1, 2, 1, 2});
  Tensor batch = Tensor::FromVector(DType::kI32, {1}, std::vector<int32_t>{0});
  RoiAlignParams p{.half_pixel = false, .sampling_ratio = 1};
  rt::Result<Tensor> y = RoiAlign(x, rois, batch, p);
  ASSERT_TRUE(y.ok()) << y.status().message();
  const double want = 10 * 2.5 + 1.5 + 1;
  EXPECT_LT(std::abs(y->data<float>()[0] - want) / want, 1e-6);
}

TEST(RoiAlignTest, MaxModeTakesLargestWeightedTap) {
  Tensor x = LinearMap(1, 4, 4);
  // output_half_pixel, one 4x4 bin sampled 2x2 at (1,1), (1,3), (3,1), (3,3): on pixels.
  Tensor rois = Tensor::FromVector(DType::kF32, {1, 4}, std::vector<float>{0, 0, 4, 4});
  Tensor batch = Tensor::FromVector(DType::kI64, {1}, std::vector<int64_t>{0});
  RoiAlignParams p{.max_mode = true, .half_pixel = false, .sampling_ratio = 2};
  rt::Result<Tensor> y = RoiAlign(x, rois, batch, p);
  ASSERT_TRUE(y.ok());
  EXPECT_FLOAT_EQ(y->data<float>()[0], 10 * 3 + 3 + 1);
  p.max_mode = false;
  y = RoiAlign(x, rois, batch, p);
  EXPECT_FLOAT_EQ(y->data<float>()[0], 10 * 2 + 2 + 1);
}

TEST(RoiAlignTest, SamplesOutsideTheMapAreZero) {
  Tensor x = LinearMap(1, 4, 4);
  Tensor rois = Tensor::FromVector(DType::kF32, {1, 4}, std::vector<float>{20, 20, 24, 24});
  Tensor batch = Tensor::FromVector(DType::kI64, {1}, std::vector<int64_t>{0});
  rt::Result<Tensor> y = RoiAlign(x, rois, batch, {});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->data<float>()[0], 0.0f);
}

TEST(RoiAlignTest, RejectsBadBatchIndexAndHugeRegion) {
  Tensor x = LinearMap(1, 4, 4);
  Tensor rois = Tensor::FromVector(DType::kF32, {1, 4}, std::vector<float>{0, 0, 2, 2});
  Tensor bad = Tensor::FromVector(DType::kI64, {1}, std::vector<int64_t>{1});
  EXPECT_FALSE(RoiAlign(x, rois, bad, {}).ok());
  Tensor huge = Tensor::FromVector(DType::kF32, {1, 4}, std::vector<float>{0, 0, 1e30f, 2});
  Tensor ok = Tensor::FromVector(DType::kI64, {1}, std::vector<int64_t>{0});
  EXPECT_FALSE(RoiAlign(x, huge, ok, {}).ok());
  RoiAlignParams p;
  EXPECT_FALSE(ParseRoiAlignModes("mean", "", p).ok());
  EXPECT_FALSE(ParseRoiAlignModes("avg", "align_corners", p).ok());
}

}  // namespace
}  // namespace kiln::ref
