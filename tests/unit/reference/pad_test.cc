#include "runtime/reference/kernels/pad.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

const Tensor kX =
    Tensor::FromVector<float>(DType::kF32, {3, 2}, {1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f});

// The three examples of ONNX's Pad documentation: pads [0,2,0,0].
TEST(PadTest, OnnxConstantExample) {
  Tensor v = Tensor::FromVector<float>(DType::kF32, {}, {0.0f});
  rt::Result<Tensor> y = Pad(kX, std::vector<int64_t>{0, 2, 0, 0}, {}, PadMode::kConstant, &v);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{3, 4}));
  EXPECT_EQ(Values<float>(*y),
            (std::vector<float>{0, 0, 1.0f, 1.2f, 0, 0, 2.3f, 3.4f, 0, 0, 4.5f, 5.7f}));
}

TEST(PadTest, OnnxReflectExample) {
  rt::Result<Tensor> y = Pad(kX, std::vector<int64_t>{0, 2, 0, 0}, {}, PadMode::kReflect, nullptr);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<float>(*y), (std::vector<float>{1.0f, 1.2f, 1.0f, 1.2f, 2.3f, 3.4f, 2.3f, 3.4f,
                                                   4.5f, 5.7f, 4.5f, 5.7f}));
}

TEST(PadTest, OnnxEdgeExample) {
  rt::Result<Tensor> y = Pad(kX, std::vector<int64_t>{0, 2, 0, 0}, {}, PadMode::kEdge, nullptr);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<float>(*y), (std::vector<float>{1.0f, 1.0f, 1.0f, 1.2f, 2.3f, 2.3f, 2.3f, 3.4f,
                                                   4.5f, 4.5f, 4.5f, 5.7f}));
}

TEST(PadTest, ReflectBeyondOnePeriodMatchesNumpy) {
  // numpy.pad([0,1,2], (5,4), 'reflect') == [1,0,1,2,1,0,1,2,1,0,1,2]; wrap is periodic.
  Tensor x = Tensor::FromVector<int32_t>(DType::kI32, {3}, {0, 1, 2});
  rt::Result<Tensor> y = Pad(x, std::vector<int64_t>{5, 4}, {}, PadMode::kReflect, nullptr);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2}));
  y = Pad(x, std::vector<int64_t>{2, 2}, {}, PadMode::kWrap, nullptr);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{1, 2, 0, 1, 2, 0, 1}));
}

TEST(PadTest, AxesAndNegativePadsCrop) {
  Tensor v = Tensor::FromVector<float>(DType::kF32, {}, {9.0f});
  // Axis -1 only: crop one column at the front, add one 9 at the back.
  rt::Result<Tensor> y =
      Pad(kX, std::vector<int64_t>{-1, 1}, std::vector<int64_t>{-1}, PadMode::kConstant, &v);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{3, 2}));
  EXPECT_EQ(Values<float>(*y), (std::vector<float>{1.2f, 9, 3.4f, 9, 5.7f, 9}));
}

TEST(PadTest, Errors) {
  EXPECT_FALSE(Pad(kX, std::vector<int64_t>{0, 2}, {}, PadMode::kConstant, nullptr).ok());
  EXPECT_FALSE(Pad(kX, std::vector<int64_t>{0, -3, 0, 0}, {}, PadMode::kConstant, nullptr).ok());
  Tensor wrong = Tensor::FromVector<int32_t>(DType::kI32, {}, {1});
  EXPECT_FALSE(Pad(kX, std::vector<int64_t>{0, 1, 0, 0}, {}, PadMode::kConstant, &wrong).ok());
  Tensor empty = Tensor::FromVector<float>(DType::kF32, {0}, {});
  EXPECT_FALSE(Pad(empty, std::vector<int64_t>{1, 1}, {}, PadMode::kEdge, nullptr).ok());
  EXPECT_FALSE(ParsePadMode("mirror").ok());
  EXPECT_EQ(*ParsePadMode(""), PadMode::kConstant);
}

}  // namespace
}  // namespace kiln::ref
