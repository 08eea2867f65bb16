#include "runtime/reference/kernels/det.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace kiln::ref {
namespace {

// Laplace (cofactor) expansion along the first row: independent of LU and exact enough for
// the small matrices here.
double Cofactor(const std::vector<double>& m, int n) {
  if (n == 1) return m[0];
  double det = 0;
  for (int c = 0; c < n; ++c) {
    std::vector<double> minor;
    for (int r = 1; r < n; ++r)
      for (int k = 0; k < n; ++k)
        if (k != c) minor.push_back(m[r * n + k]);
    det += (c % 2 == 0 ? 1 : -1) * m[c] * Cofactor(minor, n - 1);
  }
  return det;
}

TEST(DetTest, BatchedMatchesCofactorExpansion) {
  std::mt19937 rng(21);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  for (int n : {1, 2, 3, 4, 5}) {
    const int batch = 3;
    std::vector<float> xs(static_cast<size_t>(batch * n * n));
    for (float& v : xs) v = dist(rng);
    rt::Result<Tensor> y = Det(Tensor::FromVector(DType::kF32, {batch, n, n}, xs));
    ASSERT_TRUE(y.ok()) << y.status().message();
    ASSERT_EQ(y->shape(), (Shape{batch}));
    for (int b = 0; b < batch; ++b) {
      std::vector<double> m(xs.begin() + b * n * n, xs.begin() + (b + 1) * n * n);
      const double want = Cofactor(m, n);
      EXPECT_NEAR(y->data<float>()[b], want, 1e-5 * std::max(1.0, std::abs(want)))
          << "n " << n << " batch " << b;
    }
  }
}

TEST(DetTest, PivotingSingularAndEmpty) {
  // A zero in the top-left corner needs a row swap, which flips the sign: det = -(2*1) = -2.
  Tensor swap = Tensor::FromVector(DType::kF32, {2, 2}, std::vector<float>{0, 1, 2, 0});
  rt::Result<Tensor> y = Det(swap);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), Shape{});
  EXPECT_FLOAT_EQ(y->data<float>()[0], -2.0f);
  Tensor singular =
      Tensor::FromVector(DType::kF32, {3, 3}, std::vector<float>{1, 2, 3, 2, 4, 6, 0, 1, 5});
  y = Det(singular);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->data<float>()[0], 0.0f);
  // The determinant of a 0 x 0 matrix is 1 (the empty product).
  y = Det(Tensor::FromVector(DType::kF32, {2, 0, 0}, std::vector<float>{}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{2}));
  EXPECT_EQ(y->data<float>()[1], 1.0f);
}

TEST(DetTest, RejectsNonSquareAndIntegers) {
  EXPECT_FALSE(Det(Tensor::FromVector(DType::kF32, {2, 3}, std::vector<float>(6, 1))).ok());
  EXPECT_FALSE(Det(Tensor::FromVector(DType::kF32, {3}, std::vector<float>(3, 1))).ok());
  EXPECT_FALSE(Det(Tensor::FromVector(DType::kI32, {1, 1}, std::vector<int32_t>{1})).ok());
}

}  // namespace
}  // namespace kiln::ref
