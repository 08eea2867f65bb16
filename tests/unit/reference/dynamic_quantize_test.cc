// Dynamic u8 quantization (runtime/reference/kernels/dynamic_quantize.h) against the ONNX
// DynamicQuantizeLinear definition worked out by hand, and the fake-quantized tensor.
#include "runtime/reference/kernels/dynamic_quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace kiln::ref {
namespace {

TEST(DynamicQuantizeTest, RangeWidenedToHoldZero) {
  // [-1, 2]: scale 3/255, zero point round(1 / (3/255)) = round(85) = 85.
  const std::vector<float> x = {-1.0f, 0.5f, 2.0f};
  const DynamicU8Params p = ChooseDynamicU8(x);
  EXPECT_FLOAT_EQ(p.scale, 3.0f / 255.0f);
  EXPECT_EQ(p.zero_point, 85);
  EXPECT_EQ(QuantizeDynamicU8(-1.0f, p), 0);
  EXPECT_EQ(QuantizeDynamicU8(0.0f, p), 85);
  EXPECT_EQ(QuantizeDynamicU8(2.0f, p), 255);
  // All positive: the range starts at 0, zero point 0; all negative: zero point 255.
  const std::vector<float> pos = {0.5f, 1.0f}, neg = {-2.0f, -0.5f};
  EXPECT_EQ(ChooseDynamicU8(pos).zero_point, 0);
  EXPECT_FLOAT_EQ(ChooseDynamicU8(pos).scale, 1.0f / 255.0f);
  EXPECT_EQ(ChooseDynamicU8(neg).zero_point, 255);
}

TEST(DynamicQuantizeTest, ZerosNonFiniteAndSaturation) {
  const std::vector<float> zeros = {0.0f, 0.0f};
  EXPECT_EQ(ChooseDynamicU8(zeros).scale, 1.0f);
  EXPECT_EQ(ChooseDynamicU8(zeros).zero_point, 0);
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> with_inf = {-1.0f, 1.0f, inf, std::nanf("")};
  const DynamicU8Params p = ChooseDynamicU8(with_inf);
  EXPECT_FLOAT_EQ(p.scale, 2.0f / 255.0f);
  EXPECT_EQ(QuantizeDynamicU8(inf, p), 255);
  EXPECT_EQ(QuantizeDynamicU8(-inf, p), 0);
  EXPECT_EQ(QuantizeDynamicU8(std::nanf(""), p), 0);
}

TEST(DynamicQuantizeTest, FakeQuantizedValuesLieOnTheGridWithinHalfAStep) {
  std::vector<float> v(100);
  for (int i = 0; i < 100; ++i) v[i] = std::sin(0.37f * i) * 3.0f + 0.5f;
  const Tensor x = Tensor::FromVector(DType::kF32, {4, 25}, v);
  rt::Result<Tensor> y = FakeQuantizeDynamicU8(x);
  ASSERT_TRUE(y.ok()) << y.status().message();
  const DynamicU8Params p = ChooseDynamicU8(v);
  for (int i = 0; i < 100; ++i) {
    const float got = y->data<float>()[i];
    EXPECT_EQ(got, static_cast<float>(QuantizeDynamicU8(v[i], p) - p.zero_point) * p.scale);
    EXPECT_LE(std::abs(got - v[i]), p.scale / 2 * 1.0001f) << i;
  }
  EXPECT_FALSE(FakeQuantizeDynamicU8(Tensor::FromVector<int32_t>(DType::kI32, {1}, {1})).ok());
}

}  // namespace
}  // namespace kiln::ref
