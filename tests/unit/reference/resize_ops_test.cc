// The resize op kernel as the interpreter calls it: attribute spellings and defaults, and the
// optional roi / scales / sizes operands (absent, or present but empty).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ir/builder.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "tests/unit/reference/op_kernel_harness.h"

namespace kiln::ref {
namespace {

using ir::AttrMap;
using ir::OpKind;

class ResizeOpsTest : public OpKernelHarness {
 protected:
  ResizeOpsTest() { RegisterMovementOps(table_); }
};

AttrMap Attr(std::string_view name, ir::AttrValue v) {
  AttrMap m;
  m.Set(name, std::move(v));
  return m;
}

// A [1,1,2,2] image 1..4; ONNX's test_resize_upsample_scales_linear gives the 4x4 result.
const Tensor kImage = Tensor::FromVector<float>(DType::kF32, {1, 1, 2, 2}, {1, 2, 3, 4});

void ExpectClose(const Tensor& got, const std::vector<double>& want) {
  ASSERT_EQ(got.num_elements(), static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_LE(std::fabs(got.data<float>()[i] - want[i]), 1e-6 * std::max(std::fabs(want[i]), 1.0))
        << "element " << i;
  }
}

TEST_F(ResizeOpsTest, LinearFromScalesWithAbsentRoi) {
  Tensor scales = Tensor::FromVector<float>(DType::kF32, {4}, {1, 1, 2, 2});
  Expected<std::vector<Tensor>> y = Run(OpKind::kResize, {&kImage, nullptr, &scales}, {DType::kF32},
                                        Attr("mode", std::string("linear")));
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ((*y)[0].shape(), (Shape{1, 1, 4, 4}));
  ExpectClose((*y)[0], {1.0, 1.25, 1.75, 2.0, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3.0, 3.25,
                        3.75, 4.0});
}

TEST_F(ResizeOpsTest, NearestFromSizesWithEmptyScales) {
  Tensor roi = Tensor::FromVector<float>(DType::kF32, {0}, {});
  Tensor scales = Tensor::FromVector<float>(DType::kF32, {0}, {});
  Tensor sizes = Tensor::FromVector<int64_t>(DType::kI64, {4}, {1, 1, 1, 4});
  AttrMap a;
  a.Set("coordinate_transformation_mode", std::string("asymmetric"));
  a.Set("nearest_mode", std::string("floor"));
  Expected<std::vector<Tensor>> y =
      Run(OpKind::kResize, {&kImage, &roi, &scales, &sizes}, {DType::kF32}, a);
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ((*y)[0].shape(), (Shape{1, 1, 1, 4}));
  ExpectClose((*y)[0], {1, 1, 2, 2});
}

TEST_F(ResizeOpsTest, CubicAttributes) {
  // ONNX's test_resize_downsample_scales_cubic_A_n0p5_exclude_outside, first row.
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i) v[i] = static_cast<float>(i + 1);
  Tensor x = Tensor::FromVector<float>(DType::kF32, {1, 1, 4, 4}, v);
  Tensor scales = Tensor::FromVector<float>(DType::kF32, {4}, {1, 1, 0.8f, 0.8f});
  AttrMap a;
  a.Set("mode", std::string("cubic"));
  a.Set("cubic_coeff_a", -0.5);
  a.Set("exclude_outside", int64_t{1});
  Expected<std::vector<Tensor>> y = Run(OpKind::kResize, {&x, nullptr, &scales}, {DType::kF32}, a);
  ASSERT_TRUE(y.ok()) << y.error().message();
  ASSERT_EQ((*y)[0].shape(), (Shape{1, 1, 3, 3}));
  ExpectClose((*y)[0].WithShape({9}),
              {1.3681267499923706, 2.669501304626465, 4.013336658477783, 6.573625087738037, 7.875,
               9.21883487701416, 11.948966026306152, 13.250341415405273, 14.594176292419434});
}

TEST_F(ResizeOpsTest, CropAndResizeReadsRoiAndExtrapolationValue) {
  Tensor roi = Tensor::FromVector<float>(DType::kF32, {8}, {0, 0, 0, 0, 1, 1, 1, 2});
  Tensor sizes = Tensor::FromVector<int64_t>(DType::kI64, {4}, {1, 1, 1, 3});
  AttrMap a;
  a.Set("mode", std::string("linear"));
  a.Set("coordinate_transformation_mode", std::string("tf_crop_and_resize"));
  a.Set("extrapolation_value", 9.0);
  Expected<std::vector<Tensor>> y =
      Run(OpKind::kResize, {&kImage, &roi, nullptr, &sizes}, {DType::kF32}, a);
  ASSERT_TRUE(y.ok()) << y.error().message();
  // Row 0.5 * (0 + 1) = 0.5 between the two rows; columns 0, 1 and 2 (outside: 9).
  ExpectClose((*y)[0], {2, 3, 9});
}

TEST_F(ResizeOpsTest, Errors) {
  EXPECT_FALSE(Run(OpKind::kResize, {&kImage}, {DType::kF32}).ok());
  Tensor scales = Tensor::FromVector<float>(DType::kF32, {4}, {1, 1, 2, 2});
  EXPECT_FALSE(Run(OpKind::kResize, {&kImage, nullptr, &scales}, {DType::kF32},
                   Attr("mode", std::string("area")))
                   .ok());
  Tensor int_scales = Tensor::FromVector<int64_t>(DType::kI64, {4}, {1, 1, 2, 2});
  EXPECT_FALSE(Run(OpKind::kResize, {&kImage, nullptr, &int_scales}, {DType::kF32}).ok());
}

}  // namespace
}  // namespace kiln::ref
