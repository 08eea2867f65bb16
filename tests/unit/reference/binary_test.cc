#include "runtime/reference/kernels/binary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "runtime/reference/kernels/cast.h"

namespace kiln::ref {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

template <typename T>
std::vector<T> Apply(BinaryOp op, const Tensor& a, const Tensor& b, int threads = 1) {
  rt::Result<Tensor> y = Binary(op, a, b, threads);
  EXPECT_TRUE(y.ok()) << y.status().message();
  return y.ok() ? Values<T>(*y) : std::vector<T>{};
}

void ExpectAllClose(const std::vector<float>& got, const std::vector<float>& want, float rel) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    const float scale = std::max(std::fabs(want[i]), 1e-6f);
    EXPECT_LE(std::fabs(got[i] - want[i]), rel * scale) << "element " << i;
  }
}

TEST(BinaryTest, FloatArithmeticBroadcasts) {
  // [2,3] op [3]
  const std::vector<float> av = {1, -2, 3, 4.5f, 5, -6};
  const std::vector<float> bv = {2, 0.5f, -4};
  Tensor a = Tensor::FromVector<float>(DType::kF32, {2, 3}, av);
  Tensor b = Tensor::FromVector<float>(DType::kF32, {3}, bv);
  auto expect = [&](BinaryOp op, auto f) {
    std::vector<float> want;
    for (int i = 0; i < 6; ++i) want.push_back(static_cast<float>(f(av[i], bv[i % 3])));
    rt::Result<Tensor> y = Binary(op, a, b);
    ASSERT_TRUE(y.ok());
    EXPECT_EQ(y->shape(), (Shape{2, 3}));
    ExpectAllClose(Values<float>(*y), want, 1e-6f);
  };
  expect(BinaryOp::kAdd, [](double x, double y) { return x + y; });
  expect(BinaryOp::kSub, [](double x, double y) { return x - y; });
  expect(BinaryOp::kMul, [](double x, double y) { return x * y; });
  expect(BinaryOp::kDiv, [](double x, double y) { return x / y; });
  expect(BinaryOp::kMin, [](double x, double y) { return std::min(x, y); });
  expect(BinaryOp::kMax, [](double x, double y) { return std::max(x, y); });
  expect(BinaryOp::kFMod, [](double x, double y) { return std::fmod(x, y); });
  expect(BinaryOp::kMod, [](double x, double y) {
    double r = std::fmod(x, y);
    return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r;
  });
}

TEST(BinaryTest, ScalarOnEitherSideAndBothOuterBroadcast) {
  Tensor s = Tensor::FromVector<float>(DType::kF32, {}, {10});
  Tensor v = Tensor::FromVector<float>(DType::kF32, {3}, {1, 2, 3});
  EXPECT_THAT(Apply<float>(BinaryOp::kSub, s, v), ElementsAre(9, 8, 7));
  EXPECT_THAT(Apply<float>(BinaryOp::kSub, v, s), ElementsAre(-9, -8, -7));
  // [2,1] - [1,3] -> [2,3]
  Tensor col = Tensor::FromVector<float>(DType::kF32, {2, 1}, {10, 20});
  Tensor row = Tensor::FromVector<float>(DType::kF32, {1, 3}, {1, 2, 3});
  rt::Result<Tensor> y = Binary(BinaryOp::kSub, col, row);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{2, 3}));
  EXPECT_THAT(Values<float>(*y), ElementsAre(9, 8, 7, 19, 18, 17));
}

TEST(BinaryTest, IncompatibleShapes) {
  Tensor a = Tensor::FromVector<float>(DType::kF32, {2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = Tensor::FromVector<float>(DType::kF32, {2}, {1, 2});
  rt::Result<Tensor> y = Binary(BinaryOp::kAdd, a, b);
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(y.status().message(), HasSubstr("does not broadcast"));
  Tensor i = Tensor::FromVector<int32_t>(DType::kI32, {2}, {1, 2});
  EXPECT_THAT(Binary(BinaryOp::kAdd, b, i).status().message(),
              HasSubstr("operands of add are f32 and i32"));
}

TEST(BinaryTest, PowFloatAndMixedExponent) {
  Tensor a = Tensor::FromVector<float>(DType::kF32, {4}, {2, 9, 0.5f, -2});
  Tensor e = Tensor::FromVector<float>(DType::kF32, {4}, {10, 0.5f, -1, 3});
  ExpectAllClose(Apply<float>(BinaryOp::kPow, a, e), {1024, 3, 2, -8}, 1e-6f);
  Tensor ei = Tensor::FromVector<int64_t>(DType::kI64, {}, {2});
  rt::Result<Tensor> sq = Binary(BinaryOp::kPow, a, ei);
  ASSERT_TRUE(sq.ok());
  EXPECT_EQ(sq->dtype(), DType::kF32);
  ExpectAllClose(Values<float>(*sq), {4, 81, 0.25f, 4}, 1e-6f);
  // Integer base, float exponent: computed in f32, truncated to the base's type.
  Tensor ib = Tensor::FromVector<int32_t>(DType::kI32, {3}, {4, 9, 2});
  Tensor fe = Tensor::FromVector<float>(DType::kF32, {}, {0.5f});
  rt::Result<Tensor> r = Binary(BinaryOp::kPow, ib, fe);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dtype(), DType::kI32);
  EXPECT_THAT(Values<int32_t>(*r), ElementsAre(2, 3, 1));
}

TEST(BinaryTest, IntegerArithmetic) {
  Tensor a = Tensor::FromVector<int32_t>(DType::kI32, {6}, {7, -7, 7, -7, 0, 5});
  Tensor b = Tensor::FromVector<int32_t>(DType::kI32, {6}, {2, 2, -2, -2, 3, 0});
  EXPECT_THAT(Apply<int32_t>(BinaryOp::kAdd, a, b), ElementsAre(9, -5, 5, -9, 3, 5));
  EXPECT_THAT(Apply<int32_t>(BinaryOp::kSub, a, b), ElementsAre(5, -9, 9, -5, -3, 5));
  EXPECT_THAT(Apply<int32_t>(BinaryOp::kMul, a, b), ElementsAre(14, -14, -14, 14, 0, 0));
  // Division truncates; division by zero gives 0.
  EXPECT_THAT(Apply<int32_t>(BinaryOp::kDiv, a, b), ElementsAre(3, -3, -3, 3, 0, 0));
  // Python modulo (sign of divisor) vs C fmod (sign of dividend).
  EXPECT_THAT(Apply<int32_t>(BinaryOp::kMod, a, b), ElementsAre(1, 1, -1, -1, 0, 0));
  EXPECT_THAT(Apply<int32_t>(BinaryOp::kFMod, a, b), ElementsAre(1, -1, 1, -1, 0, 0));
  EXPECT_THAT(Apply<int32_t>(BinaryOp::kMin, a, b), ElementsAre(2, -7, -2, -7, 0, 0));
  EXPECT_THAT(Apply<int32_t>(BinaryOp::kMax, a, b), ElementsAre(7, 2, 7, -2, 3, 5));
  EXPECT_THAT(Apply<int32_t>(BinaryOp::kPow, a, b), ElementsAre(49, 49, 0, 0, 0, 1));
}

TEST(BinaryTest, IntegerEdgeCasesDoNotTrap) {
  const int32_t min = std::numeric_limits<int32_t>::min();
  const int32_t max = std::numeric_limits<int32_t>::max();
  Tensor a = Tensor::FromVector<int32_t>(DType::kI32, {3}, {min, max, min});
  Tensor b = Tensor::FromVector<int32_t>(DType::kI32, {3}, {-1, 1, 0});
  EXPECT_THAT(Apply<int32_t>(BinaryOp::kDiv, a, b), ElementsAre(min, max, 0));  // wraps
  EXPECT_THAT(Apply<int32_t>(BinaryOp::kMod, a, b), ElementsAre(0, 0, 0));
  EXPECT_THAT(Apply<int32_t>(BinaryOp::kAdd, a, b), ElementsAre(max, min, min));  // wraps
  // i16 multiply overflow wraps (no promotion to a signed int overflow).
  Tensor big = Tensor::FromVector<int16_t>(DType::kI16, {1}, {32767});
  EXPECT_THAT(Apply<int16_t>(BinaryOp::kMul, big, big), ElementsAre(1));
}

TEST(BinaryTest, BitShifts) {
  Tensor a = Tensor::FromVector<uint8_t>(DType::kU8, {4}, {1, 0x81, 16, 255});
  Tensor n = Tensor::FromVector<uint8_t>(DType::kU8, {4}, {3, 1, 4, 8});
  EXPECT_THAT(Apply<uint8_t>(BinaryOp::kShiftLeft, a, n), ElementsAre(8, 0x02, 0, 0));
  EXPECT_THAT(Apply<uint8_t>(BinaryOp::kShiftRight, a, n), ElementsAre(0, 0x40, 1, 0));
  Tensor s = Tensor::FromVector<int32_t>(DType::kI32, {3}, {-16, 16, -1});
  Tensor k = Tensor::FromVector<int32_t>(DType::kI32, {3}, {2, 40, 40});
  EXPECT_THAT(Apply<int32_t>(BinaryOp::kShiftRight, s, k), ElementsAre(-4, 0, -1));
  Tensor f = Tensor::FromVector<float>(DType::kF32, {1}, {1});
  EXPECT_FALSE(Binary(BinaryOp::kShiftLeft, f, f).ok());
}

TEST(BinaryTest, TypeCoverage) {
  const std::vector<float> av = {1, 2, 3, 4};
  const std::vector<float> bv = {4, 3, 2, 1};
  Tensor af = Tensor::FromVector<float>(DType::kF32, {4}, av);
  Tensor bf = Tensor::FromVector<float>(DType::kF32, {4}, bv);
  for (DType t : {DType::kF16, DType::kBF16, DType::kI8, DType::kU8, DType::kI4, DType::kU4,
                  DType::kI16, DType::kI32, DType::kI64}) {
    Tensor a = *Cast(af, t);
    Tensor b = *Cast(bf, t);
    rt::Result<Tensor> y = Binary(BinaryOp::kAdd, a, b);
    ASSERT_TRUE(y.ok()) << rt::DTypeName(t);
    EXPECT_EQ(y->dtype(), t);
    EXPECT_THAT(Values<float>(*Cast(*y, DType::kF32)), ElementsAre(5, 5, 5, 5)) << rt::DTypeName(t);
    rt::Result<Tensor> m = Binary(BinaryOp::kMax, a, b);
    ASSERT_TRUE(m.ok());
    EXPECT_THAT(Values<float>(*Cast(*m, DType::kF32)), ElementsAre(4, 3, 3, 4)) << rt::DTypeName(t);
  }
  Tensor bools = Tensor::FromVector<uint8_t>(DType::kBool, {1}, {1});
  EXPECT_THAT(Binary(BinaryOp::kAdd, bools, bools).status().message(),
              HasSubstr("add is not defined for bool"));
}

TEST(BinaryTest, FloatMinMaxPropagateNaN) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor a = Tensor::FromVector<float>(DType::kF32, {2}, {nan, 1});
  Tensor b = Tensor::FromVector<float>(DType::kF32, {2}, {1, nan});
  for (BinaryOp op : {BinaryOp::kMin, BinaryOp::kMax}) {
    std::vector<float> y = Apply<float>(op, a, b);
    EXPECT_TRUE(std::isnan(y[0]) && std::isnan(y[1]));
  }
}

TEST(BinaryTest, PReluBroadcastsSlopeToX) {
  // x [1,2,2], slope per channel [2,1].
  Tensor x = Tensor::FromVector<float>(DType::kF32, {1, 2, 2}, {-1, 2, -3, 4});
  Tensor slope = Tensor::FromVector<float>(DType::kF32, {2, 1}, {0.5f, 0.25f});
  rt::Result<Tensor> y = Binary(BinaryOp::kPRelu, x, slope);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{1, 2, 2}));
  EXPECT_THAT(Values<float>(*y), ElementsAre(-0.5f, 2, -0.75f, 4));
  // The slope may not grow x.
  Tensor wide = Tensor::FromVector<float>(DType::kF32, {2, 2, 2}, {1, 1, 1, 1, 1, 1, 1, 1});
  EXPECT_THAT(Binary(BinaryOp::kPRelu, x, wide).status().message(),
              HasSubstr("slope: shape [2,2,2] does not broadcast to [1,2,2]"));
}

TEST(BinaryTest, ThreadsGiveTheSameResult) {
  const int64_t rows = 300, cols = 257;
  std::vector<float> av(rows * cols), bv(cols);
  for (size_t i = 0; i < av.size(); ++i) av[i] = static_cast<float>(i % 97) - 40.0f;
  for (size_t i = 0; i < bv.size(); ++i) bv[i] = static_cast<float>(i % 13) + 0.5f;
  Tensor a = Tensor::FromVector<float>(DType::kF32, {rows, cols}, av);
  Tensor b = Tensor::FromVector<float>(DType::kF32, {cols}, bv);
  std::vector<float> want(av.size());
  for (size_t i = 0; i < av.size(); ++i) want[i] = av[i] * bv[i % cols];
  EXPECT_THAT(Apply<float>(BinaryOp::kMul, a, b, 1), ElementsAreArray(want));
  EXPECT_THAT(Apply<float>(BinaryOp::kMul, a, b, 4), ElementsAreArray(want));
}

}  // namespace
}  // namespace kiln::ref
