#include "runtime/reference/kernels/compare.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "runtime/reference/kernels/cast.h"

namespace kiln::ref {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<uint8_t> Bools(const rt::Result<Tensor>& t) {
  EXPECT_TRUE(t.ok()) << t.status().message();
  if (!t.ok()) return {};
  EXPECT_EQ(t->dtype(), DType::kBool);
  return std::vector<uint8_t>(t->data<uint8_t>(), t->data<uint8_t>() + t->num_elements());
}

TEST(CompareTest, EveryComparisonOnFloats) {
  Tensor a = Tensor::FromVector<float>(DType::kF32, {3}, {1, 2, 3});
  Tensor b = Tensor::FromVector<float>(DType::kF32, {}, {2});
  EXPECT_THAT(Bools(Compare(CompareOp::kEqual, a, b)), ElementsAre(0, 1, 0));
  EXPECT_THAT(Bools(Compare(CompareOp::kLess, a, b)), ElementsAre(1, 0, 0));
  EXPECT_THAT(Bools(Compare(CompareOp::kLessOrEqual, a, b)), ElementsAre(1, 1, 0));
  EXPECT_THAT(Bools(Compare(CompareOp::kGreater, a, b)), ElementsAre(0, 0, 1));
  EXPECT_THAT(Bools(Compare(CompareOp::kGreaterOrEqual, a, b)), ElementsAre(0, 1, 1));
}

TEST(CompareTest, NaNComparesFalse) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor a = Tensor::FromVector<float>(DType::kF32, {1}, {nan});
  for (CompareOp op : {CompareOp::kEqual, CompareOp::kLess, CompareOp::kGreaterOrEqual}) {
    EXPECT_THAT(Bools(Compare(op, a, a)), ElementsAre(0));
  }
}

TEST(CompareTest, BroadcastsAndCoversTypes) {
  Tensor af = Tensor::FromVector<float>(DType::kF32, {2, 1}, {1, 3});
  Tensor bf = Tensor::FromVector<float>(DType::kF32, {3}, {1, 2, 3});
  for (DType t : {DType::kF32, DType::kF16, DType::kBF16, DType::kI8, DType::kU8, DType::kI4,
                  DType::kU4, DType::kI16, DType::kI32, DType::kI64}) {
    rt::Result<Tensor> y = Compare(CompareOp::kLess, *Cast(af, t), *Cast(bf, t));
    ASSERT_TRUE(y.ok()) << rt::DTypeName(t);
    EXPECT_EQ(y->shape(), (Shape{2, 3}));
    EXPECT_THAT(Bools(y), ElementsAre(0, 1, 1, 0, 0, 0)) << rt::DTypeName(t);
  }
  // Signed comparison of i4 nibbles: -1 < 1.
  Tensor n = *Cast(Tensor::FromVector<int32_t>(DType::kI32, {2}, {-1, 1}), DType::kI4);
  Tensor one = *Cast(Tensor::FromVector<int32_t>(DType::kI32, {}, {1}), DType::kI4);
  EXPECT_THAT(Bools(Compare(CompareOp::kLess, n, one)), ElementsAre(1, 0));
}

TEST(CompareTest, EqualOnBoolAndMismatchedTypes) {
  Tensor a = Tensor::FromVector<uint8_t>(DType::kBool, {2}, {1, 0});
  Tensor b = Tensor::FromVector<uint8_t>(DType::kBool, {2}, {1, 1});
  EXPECT_THAT(Bools(Compare(CompareOp::kEqual, a, b)), ElementsAre(1, 0));
  Tensor f = Tensor::FromVector<float>(DType::kF32, {2}, {1, 0});
  EXPECT_THAT(Compare(CompareOp::kEqual, a, f).status().message(),
              HasSubstr("compared operands are bool and f32"));
}

TEST(LogicTest, AndOrXor) {
  Tensor a = Tensor::FromVector<uint8_t>(DType::kBool, {4}, {0, 0, 1, 1});
  Tensor b = Tensor::FromVector<uint8_t>(DType::kBool, {4}, {0, 1, 0, 1});
  EXPECT_THAT(Bools(Logic(LogicOp::kAnd, a, b)), ElementsAre(0, 0, 0, 1));
  EXPECT_THAT(Bools(Logic(LogicOp::kOr, a, b)), ElementsAre(0, 1, 1, 1));
  EXPECT_THAT(Bools(Logic(LogicOp::kXor, a, b)), ElementsAre(0, 1, 1, 0));
  Tensor t = Tensor::FromVector<uint8_t>(DType::kBool, {2, 1}, {1, 0});
  rt::Result<Tensor> y = Logic(LogicOp::kAnd, t, a);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{2, 4}));
  EXPECT_THAT(Bools(y), ElementsAre(0, 0, 1, 1, 0, 0, 0, 0));
  Tensor i = Tensor::FromVector<int32_t>(DType::kI32, {4}, {0, 1, 0, 1});
  EXPECT_THAT(Logic(LogicOp::kOr, a, i).status().message(), HasSubstr("must be bool"));
}

}  // namespace
}  // namespace kiln::ref
