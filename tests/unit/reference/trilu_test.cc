#include "runtime/reference/kernels/trilu.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "runtime/reference/kernels/fp16.h"

namespace kiln::ref {
namespace {

// Every element of a batch of [3, 4] matrices against the definition, for several k.
TEST(TriluTest, KeepsTheTriangleOfEachMatrix) {
  std::vector<int32_t> v(2 * 3 * 4);
  std::iota(v.begin(), v.end(), 1);
  Tensor x = Tensor::FromVector<int32_t>(DType::kI32, {2, 3, 4}, v);
  for (bool upper : {true, false}) {
    for (int64_t k : {-5, -1, 0, 2, 7}) {
      rt::Result<Tensor> y = Trilu(x, k, upper);
      ASSERT_TRUE(y.ok()) << y.status().message();
      ASSERT_EQ(y->shape(), x.shape());
      for (int b = 0; b < 2; ++b) {
        for (int i = 0; i < 3; ++i) {
          for (int j = 0; j < 4; ++j) {
            int at = (b * 3 + i) * 4 + j;
            bool keep = upper ? j - i >= k : j - i <= k;
            EXPECT_EQ(y->data<int32_t>()[at], keep ? v[at] : 0)
                << "upper " << upper << " k " << k << " at " << b << i << j;
          }
        }
      }
    }
  }
}

TEST(TriluTest, RejectsVectors) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {3}, {1, 2, 3});
  EXPECT_FALSE(Trilu(x, 0, true).ok());
}

TEST(EyeLikeTest, OnesOnTheShiftedDiagonal) {
  for (int64_t k : {-2, 0, 1, 9}) {
    rt::Result<Tensor> y = EyeLike(DType::kI64, {3, 4}, k);
    ASSERT_TRUE(y.ok()) << y.status().message();
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 4; ++j) {
        EXPECT_EQ(y->data<int64_t>()[i * 4 + j], j - i == k ? 1 : 0) << k << i << j;
      }
    }
  }
}

TEST(EyeLikeTest, HalfFloatOnesAndErrors) {
  rt::Result<Tensor> y = EyeLike(DType::kF16, {2, 2}, 0);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(HalfToFloat(y->data<uint16_t>()[0]), 1.0f);
  EXPECT_EQ(HalfToFloat(y->data<uint16_t>()[1]), 0.0f);
  EXPECT_FALSE(EyeLike(DType::kF32, {2, 2, 2}, 0).ok());
}

}  // namespace
}  // namespace kiln::ref
