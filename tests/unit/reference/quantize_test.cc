#include "runtime/reference/kernels/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

QuantParams PerTensor(float scale, int32_t zp = 0) {
  QuantParams p;
  p.scales = {scale};
  p.zero_points = {zp};
  return p;
}

TEST(QuantizeTest, RoundsHalfToEvenAndSaturates) {
  // ONNX QuantizeLinear's example: scale 2, zero point 128.
  Tensor x = Tensor::FromVector<float>(DType::kF32, {6}, {0, 2, 3, 1000, -254, -1000});
  rt::Result<Tensor> q = Quantize(x, PerTensor(2, 128), DType::kU8);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(Values<uint8_t>(*q), (std::vector<uint8_t>{128, 129, 130, 255, 1, 0}));
  Tensor halves = Tensor::FromVector<float>(DType::kF32, {4}, {0.5f, 1.5f, 2.5f, -0.5f});
  q = Quantize(halves, PerTensor(1), DType::kI8);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(Values<int8_t>(*q), (std::vector<int8_t>{0, 2, 2, 0}));
}

TEST(QuantizeTest, PerAxis) {
  QuantParams p;
  p.granularity = QuantGranularity::kPerAxis;
  p.axis = -1;
  p.scales = {1, 0.5f};
  p.zero_points = {0, 10};
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2, 2}, {1, 1, -3, -3});
  rt::Result<Tensor> q = Quantize(x, p, DType::kI16);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(Values<int16_t>(*q), (std::vector<int16_t>{1, 12, -3, 4}));
  rt::Result<Tensor> back = Dequantize(*q, p);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(Values<float>(*back), (std::vector<float>{1, 1, -3, -3}));
}

TEST(QuantizeTest, PerBlockWithPartialLastBlock) {
  // Shape [2,3], axis 1, block 2: scales laid out [2, ceil(3/2)=2].
  QuantParams p;
  p.granularity = QuantGranularity::kPerBlock;
  p.axis = 1;
  p.block_size = 2;
  p.scales = {1, 2, 4, 8};
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2, 3}, {1, 2, 8, 4, 8, 16});
  rt::Result<Tensor> q = Quantize(x, p, DType::kI32);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(Values<int32_t>(*q), (std::vector<int32_t>{1, 2, 4, 1, 2, 2}));
  p.scales.pop_back();
  EXPECT_FALSE(Quantize(x, p, DType::kI32).ok());
}

TEST(QuantizeTest, FourBitValuesArePackedLowNibbleFirst) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {3}, {-8, 7, 100});
  rt::Result<Tensor> q = Quantize(x, PerTensor(1), DType::kI4);
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->num_bytes(), 2);
  EXPECT_EQ(q->data<uint8_t>()[0], 0x78);         // -8 = 0x8 low, 7 high
  EXPECT_EQ(q->data<uint8_t>()[1] & 0x0f, 0x07);  // 100 saturates to 7
  rt::Result<Tensor> back = Dequantize(*q, PerTensor(0.5f));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(Values<float>(*back), (std::vector<float>{-4, 3.5f, 3.5f}));

  q = Quantize(x, PerTensor(1, 8), DType::kU4);
  ASSERT_TRUE(q.ok());
  back = Dequantize(*q, PerTensor(1, 8));
  EXPECT_EQ(Values<float>(*back), (std::vector<float>{-8, 7, 7}));
}

TEST(QuantizeTest, RoundTripErrorIsAtMostHalfAStep) {
  std::vector<float> v;
  for (int i = -50; i <= 50; ++i) v.push_back(0.037f * static_cast<float>(i));
  Tensor x = Tensor::FromVector<float>(DType::kF32, {static_cast<int64_t>(v.size())}, v);
  QuantParams p = PerTensor(0.02f, 3);
  rt::Result<Tensor> back = Dequantize(*Quantize(x, p, DType::kI8), p);
  ASSERT_TRUE(back.ok());
  // Every input lies inside the i8 range (|x| / 0.02 + 3 <= 96), so the error is rounding only:
  // at most half a step (reached at ties such as 1.85 / 0.02 = 92.5), plus 1e-4 of it for f32
  // rounding.
  const double half_step = 0.5 * 0.02 * (1 + 1e-4);
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_LE(std::fabs(back->data<float>()[i] - v[i]), half_step) << v[i];
  }
}

TEST(QuantizeTest, Errors) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2}, {1, 2});
  EXPECT_FALSE(Quantize(x, PerTensor(1), DType::kF32).ok());
  EXPECT_FALSE(Quantize(x, PerTensor(0), DType::kI8).ok());
  EXPECT_FALSE(Quantize(x, PerTensor(-1), DType::kI8).ok());
  QuantParams bad_axis;
  bad_axis.granularity = QuantGranularity::kPerAxis;
  bad_axis.axis = 1;
  bad_axis.scales = {1, 1};
  EXPECT_FALSE(Quantize(x, bad_axis, DType::kI8).ok());
  Tensor i = Tensor::FromVector<int8_t>(DType::kI8, {2}, {1, 2});
  EXPECT_FALSE(Quantize(i, PerTensor(1), DType::kI8).ok());
  EXPECT_FALSE(Dequantize(x, PerTensor(1)).ok());
  QuantParams zps = PerTensor(1);
  zps.zero_points = {1, 2};
  EXPECT_FALSE(Dequantize(i, zps).ok());
}

}  // namespace
}  // namespace kiln::ref
