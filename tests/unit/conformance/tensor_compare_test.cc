#include "tests/conformance/tensor_compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace kiln::conformance {
namespace {

using ref::Tensor;
using rt::DType;

TEST(TensorCompareTest, EqualFloatsMatch) {
  Tensor a = Tensor::FromVector<float>(DType::kF32, {3}, {1, 2, 3});
  EXPECT_EQ(CompareTensors(a, a, {}), "");
}

TEST(TensorCompareTest, RelativeToleranceScalesWithExpected) {
  Tensor e = Tensor::FromVector<float>(DType::kF32, {2}, {1000, 0.001f});
  // 1000 * 1e-3 = 1 allowed at the first element; 0.5 off passes, 2 off fails.
  EXPECT_EQ(CompareTensors(Tensor::FromVector<float>(DType::kF32, {2}, {1000.5f, 0.001f}), e, {}),
            "");
  std::string why =
      CompareTensors(Tensor::FromVector<float>(DType::kF32, {2}, {1002, 0.001f}), e, {});
  EXPECT_NE(why, "");
}

TEST(TensorCompareTest, SmallValuesNeedAbsoluteTolerance) {
  Tensor e = Tensor::FromVector<float>(DType::kF32, {1}, {0});
  EXPECT_EQ(CompareTensors(Tensor::FromVector<float>(DType::kF32, {1}, {5e-6f}), e, {}), "");
  EXPECT_NE(CompareTensors(Tensor::FromVector<float>(DType::kF32, {1}, {5e-5f}), e, {}), "");
}

TEST(TensorCompareTest, NanMatchesOnlyNanAndInfinityMustBeEqual) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  float inf = std::numeric_limits<float>::infinity();
  Tensor e = Tensor::FromVector<float>(DType::kF32, {2}, {nan, inf});
  EXPECT_EQ(CompareTensors(Tensor::FromVector<float>(DType::kF32, {2}, {nan, inf}), e, {}), "");
  EXPECT_NE(CompareTensors(Tensor::FromVector<float>(DType::kF32, {2}, {0, inf}), e, {}), "");
  EXPECT_NE(CompareTensors(Tensor::FromVector<float>(DType::kF32, {2}, {nan, -inf}), e, {}), "");
}

TEST(TensorCompareTest, IntegersMustBeExact) {
  Tensor e = Tensor::FromVector<int64_t>(DType::kI64, {2}, {1000000, 7});
  EXPECT_EQ(CompareTensors(e, e, {}), "");
  std::string why =
      CompareTensors(Tensor::FromVector<int64_t>(DType::kI64, {2}, {1000001, 7}), e, {});
  EXPECT_NE(why.find("1 of 2 elements differ; first at flat index 0"), std::string::npos) << why;
}

TEST(TensorCompareTest, DtypeAndShapeMustAgree) {
  Tensor f = Tensor::FromVector<float>(DType::kF32, {2}, {1, 2});
  Tensor i = Tensor::FromVector<int32_t>(DType::kI32, {2}, {1, 2});
  EXPECT_EQ(CompareTensors(f, i, {}), "dtype f32, expected i32");
  EXPECT_EQ(CompareTensors(f, f.WithShape({2, 1}), {}), "shape [2], expected [2,1]");
}

TEST(TensorCompareTest, HalfPrecisionIsDecoded) {
  // 0x3C00 = 1.0, 0x4000 = 2.0 in IEEE half.
  Tensor a = Tensor::FromVector<uint16_t>(DType::kF16, {2}, {0x3C00, 0x4000});
  Tensor b = Tensor::FromVector<uint16_t>(DType::kF16, {2}, {0x3C00, 0x4001});
  EXPECT_EQ(CompareTensors(a, a, {}), "");
  // 2.0 vs 2.00195: relative difference 1e-3 is just inside rtol + atol.
  EXPECT_EQ(CompareTensors(b, a, {}), "");
  EXPECT_NE(CompareTensors(b, a, {.rtol = 1e-4, .atol = 0}), "");
}

}  // namespace
}  // namespace kiln::conformance
