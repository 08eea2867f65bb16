#include "runtime/reference/kernels/resize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

namespace kiln::ref {
namespace {

// Values from ONNX's backend tests (onnx 1.12, test_resize_*), written out. The kernel keeps
// float64 coordinates but accumulates in f32; 1e-6 relative covers that.
constexpr double kRelTol = 1e-6;

void ExpectClose(const Tensor& got, const std::vector<double>& want) {
  ASSERT_EQ(got.num_elements(), static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    double g = got.data<float>()[i];
    EXPECT_LE(std::fabs(g - want[i]), kRelTol * std::max(std::fabs(want[i]), 1.0))
        << "element " << i << ": got " << g << ", want " << want[i];
  }
}

Tensor Iota(Shape shape, float first = 1) {
  std::vector<float> v(NumElements(shape));
  std::iota(v.begin(), v.end(), first);
  return Tensor::FromVector<float>(DType::kF32, std::move(shape), v);
}

ResizeParams Params(ResizeMode mode, CoordinateTransform t = CoordinateTransform::kHalfPixel) {
  ResizeParams p;
  p.mode = mode;
  p.coordinate_transform = t;
  return p;
}

TEST(ResizeTest, OnnxDownsampleScalesCubic) {
  rt::Result<Tensor> y = Resize(Iota({1, 1, 4, 4}), Params(ResizeMode::kCubic),
                                std::vector<float>{1, 1, 0.8f, 0.8f}, {});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{1, 1, 3, 3}));
  ExpectClose(*y, {1.47119140625, 2.78125, 4.08251953125, 6.71142578125, 8.021484375, 9.32275390625,
                   11.91650390625, 13.2265625, 14.52783203125});
}

TEST(ResizeTest, OnnxDownsampleScalesCubicANeg05ExcludeOutside) {
  ResizeParams p = Params(ResizeMode::kCubic);
  p.cubic_coeff_a = -0.5;
  p.exclude_outside = true;
  rt::Result<Tensor> y = Resize(Iota({1, 1, 4, 4}), p, std::vector<float>{1, 1, 0.8f, 0.8f}, {});
  ASSERT_TRUE(y.ok());
  ExpectClose(*y,
              {1.3681267499923706, 2.669501304626465, 4.013336658477783, 6.573625087738037, 7.875,
               9.21883487701416, 11.948966026306152, 13.250341415405273, 14.594176292419434});
}

TEST(ResizeTest, OnnxDownsampleScalesLinearAlignCorners) {
  // align_corners divides by in * scale - 1 = 1.4, not by the integer output size minus one.
  rt::Result<Tensor> y =
      Resize(Iota({1, 1, 2, 4}), Params(ResizeMode::kLinear, CoordinateTransform::kAlignCorners),
             std::vector<float>{1, 1, 0.6f, 0.6f}, {});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{1, 1, 1, 2}));
  ExpectClose(*y, {1.0, 3.142857074737549});
}

TEST(ResizeTest, OnnxDownsampleScalesLinear) {
  rt::Result<Tensor> y = Resize(Iota({1, 1, 2, 4}), Params(ResizeMode::kLinear),
                                std::vector<float>{1, 1, 0.6f, 0.6f}, {});
  ASSERT_TRUE(y.ok());
  ExpectClose(*y, {2.6666665077209473, 4.3333330154418945});
}

TEST(ResizeTest, OnnxUpsampleScalesLinear) {
  rt::Result<Tensor> y =
      Resize(Iota({1, 1, 2, 2}), Params(ResizeMode::kLinear), std::vector<float>{1, 1, 2, 2}, {});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{1, 1, 4, 4}));
  ExpectClose(
      *y, {1.0, 1.25, 1.75, 2.0, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3.0, 3.25, 3.75, 4.0});
}

TEST(ResizeTest, OnnxDownsampleSizesLinearPytorchHalfPixel) {
  rt::Result<Tensor> y = Resize(Iota({1, 1, 4, 4}),
                                Params(ResizeMode::kLinear, CoordinateTransform::kPytorchHalfPixel),
                                {}, std::vector<int64_t>{1, 1, 3, 1});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{1, 1, 3, 1}));
  ExpectClose(*y, {1.6666666269302368, 7.0, 12.333333015441895});
}

TEST(ResizeTest, OnnxTfCropAndResize) {
  ResizeParams p = Params(ResizeMode::kLinear, CoordinateTransform::kTfCropAndResize);
  p.roi = {0, 0, 0.4f, 0.6f, 1, 1, 1.2f, 1.7f};
  p.extrapolation_value = 10;
  rt::Result<Tensor> y = Resize(Iota({1, 1, 4, 4}), p, {}, std::vector<int64_t>{1, 1, 3, 3});
  ASSERT_TRUE(y.ok()) << y.status().message();
  ExpectClose(*y, {7.6000004, 10, 10, 12.400001, 10, 10, 10, 10, 10});
}

TEST(ResizeTest, OnnxUpsampleScalesNearest) {
  rt::Result<Tensor> y =
      Resize(Iota({1, 1, 2, 2}), Params(ResizeMode::kNearest), std::vector<float>{1, 1, 2, 3}, {});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{1, 1, 4, 6}));
  ExpectClose(*y, {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4});
}

TEST(ResizeTest, OnnxDownsampleSizesNearest) {
  rt::Result<Tensor> y = Resize(Iota({1, 1, 2, 4}), Params(ResizeMode::kNearest), {},
                                std::vector<int64_t>{1, 1, 1, 3});
  ASSERT_TRUE(y.ok());
  ExpectClose(*y, {1, 2, 4});
}

TEST(ResizeTest, NearestModesOnHalfwayCoordinates) {
  // asymmetric, 2x: coordinates 0, 0.5, 1, 1.5, ..., 3.5 (the last clamps to index 3).
  struct Case {
    NearestMode mode;
    std::vector<double> want;
  };
  for (const Case& c : {Case{NearestMode::kRoundPreferFloor, {0, 0, 1, 1, 2, 2, 3, 3}},
                        Case{NearestMode::kRoundPreferCeil, {0, 1, 1, 2, 2, 3, 3, 3}},
                        Case{NearestMode::kFloor, {0, 0, 1, 1, 2, 2, 3, 3}},
                        Case{NearestMode::kCeil, {0, 1, 1, 2, 2, 3, 3, 3}}}) {
    ResizeParams p = Params(ResizeMode::kNearest, CoordinateTransform::kAsymmetric);
    p.nearest_mode = c.mode;
    rt::Result<Tensor> y = Resize(Iota({4}, 0), p, std::vector<float>{2}, {});
    ASSERT_TRUE(y.ok());
    ExpectClose(*y, c.want);
  }
}

TEST(ResizeTest, NearestCopiesAnyByteType) {
  Tensor x = Tensor::FromVector<uint8_t>(DType::kU8, {2}, {7, 9});
  rt::Result<Tensor> y = Resize(x, Params(ResizeMode::kNearest), {}, std::vector<int64_t>{4});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(std::vector<uint8_t>(y->data<uint8_t>(), y->data<uint8_t>() + 4),
            (std::vector<uint8_t>{7, 7, 9, 9}));
}

TEST(ResizeTest, SameSizeIsACopy) {
  Tensor x = Iota({1, 1, 2, 2});
  rt::Result<Tensor> y = Resize(x, Params(ResizeMode::kCubic), std::vector<float>{1, 1, 1, 1}, {});
  ASSERT_TRUE(y.ok());
  EXPECT_NE(y->raw(), x.raw());
  ExpectClose(*y, {1, 2, 3, 4});
}

TEST(ResizeTest, Errors) {
  Tensor x = Iota({2, 2});
  EXPECT_FALSE(Resize(x, {}, {}, {}).ok());
  EXPECT_FALSE(Resize(x, {}, std::vector<float>{2, 2}, std::vector<int64_t>{4, 4}).ok());
  EXPECT_FALSE(Resize(x, {}, std::vector<float>{2}, {}).ok());
  EXPECT_FALSE(Resize(x, {}, std::vector<float>{2, 0}, {}).ok());
  Tensor ints = Tensor::FromVector<int32_t>(DType::kI32, {2}, {1, 2});
  EXPECT_FALSE(Resize(ints, Params(ResizeMode::kLinear), std::vector<float>{2}, {}).ok());
  EXPECT_FALSE(Resize(x, Params(ResizeMode::kLinear, CoordinateTransform::kTfCropAndResize),
                      std::vector<float>{2, 2}, {})
                   .ok());  // no roi
  EXPECT_FALSE(ParseResizeMode("bilinear").ok());
  EXPECT_FALSE(ParseCoordinateTransform("corners").ok());
  EXPECT_FALSE(ParseNearestMode("round").ok());
}

}  // namespace
}  // namespace kiln::ref
