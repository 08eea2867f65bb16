#include "runtime/reference/kernels/gemm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace kiln::ref {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

Tensor Random(const Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(NumElements(shape)));
  for (float& f : v) f = dist(rng);
  return Tensor::FromVector(DType::kF32, shape, v);
}

TEST(GemmTest, MatchesTripleLoopForEveryTransposeAndBroadcast) {
  const int64_t m = 7, n = 5, k = 9;
  const std::vector<Shape> c_shapes = {{}, {1}, {n}, {1, n}, {m, 1}, {m, n}};
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      for (const Shape& cs : c_shapes) {
        Tensor a = Random(ta ? Shape{k, m} : Shape{m, k}, 1);
        Tensor b = Random(tb ? Shape{n, k} : Shape{k, n}, 2);
        Tensor c = Random(cs, 3);
        GemmParams p{.alpha = 0.75f, .beta = -1.5f, .trans_a = ta, .trans_b = tb};
        rt::Result<Tensor> y = Gemm(a, b, &c, p, 2);
        ASSERT_TRUE(y.ok()) << y.status().message();
        ASSERT_EQ(y->shape(), (Shape{m, n}));
        double diff = 0, scale = 1e-6;
        for (int64_t i = 0; i < m; ++i) {
          for (int64_t j = 0; j < n; ++j) {
            double acc = 0;
            for (int64_t q = 0; q < k; ++q) {
              acc += double(a.data<float>()[ta ? q * m + i : i * k + q]) *
                     b.data<float>()[tb ? j * k + q : q * n + j];
            }
            const int64_t rows = cs.size() == 2 ? cs[0] : 1;
            const int64_t cols = cs.empty() ? 1 : cs.back();
            const double cv = c.data<float>()[(rows == 1 ? 0 : i) * cols + (cols == 1 ? 0 : j)];
            const double want = 0.75 * acc - 1.5 * cv;
            diff = std::max(diff, std::abs(want - y->data<float>()[i * n + j]));
            scale = std::max(scale, std::abs(want));
          }
        }
        EXPECT_LT(diff / scale, 1e-5) << "trans " << ta << tb << " C " << ShapeString(cs);
      }
    }
  }
}

TEST(GemmTest, IntegerAndNoC) {
  Tensor a = Tensor::FromVector(DType::kI64, {2, 2}, std::vector<int64_t>{1, 2, 3, 4});
  Tensor b = Tensor::FromVector(DType::kI64, {2, 2}, std::vector<int64_t>{5, 6, 7, 8});
  GemmParams p;
  rt::Result<Tensor> y = Gemm(a, b, nullptr, p);
  ASSERT_TRUE(y.ok()) << y.status().message();
  std::vector<int64_t> got(y->data<int64_t>(), y->data<int64_t>() + 4);
  EXPECT_THAT(got, ElementsAreArray({19, 22, 43, 50}));
}

TEST(GemmTest, RejectsBadShapes) {
  GemmParams p;
  rt::Result<Tensor> y = Gemm(Random({2, 3}, 1), Random({4, 2}, 2), nullptr, p);
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(y.status().message(), HasSubstr("inner dims"));
  Tensor c = Random({3}, 3);
  y = Gemm(Random({2, 3}, 1), Random({3, 2}, 2), &c, p);
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(y.status().message(), HasSubstr("broadcast"));
  y = Gemm(Random({2, 3, 1}, 1), Random({3, 2}, 2), nullptr, p);
  EXPECT_FALSE(y.ok());
}

}  // namespace
}  // namespace kiln::ref
