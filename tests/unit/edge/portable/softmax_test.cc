#include "runtime/edge/portable/softmax.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tests/unit/edge/portable/test_tensors.h"

namespace kiln::edge::portable {
namespace {

using testing::AllClose;
using testing::Count;
using testing::RandomFloats;
using testing::Ravel;
using testing::Unravel;

// Each line along `axis` in double, found by index.
std::vector<double> NaiveSoftmax(const std::vector<float>& x, const std::vector<int64_t>& dims,
                                 int axis, bool log) {
  std::vector<double> y(x.size());
  for (int64_t i = 0; i < Count(dims); ++i) {
    std::vector<int64_t> index = Unravel(i, dims);
    double max = -INFINITY, sum = 0.0;
    for (index[axis] = 0; index[axis] < dims[axis]; ++index[axis]) {
      max = std::max<double>(max, x[Ravel(index, dims)]);
    }
    for (index[axis] = 0; index[axis] < dims[axis]; ++index[axis]) {
      sum += std::exp(x[Ravel(index, dims)] - max);
    }
    y[i] = log ? x[i] - max - std::log(sum) : std::exp(x[i] - max) / sum;
  }
  return y;
}

// expf, one subtraction and a division or log: a few ulp; x - max rounds to eps * |x - max|,
// which exp turns into a relative error of up to ~16 * 6e-8 for logits 16 apart.
constexpr double kRtol = 5e-6, kAtol = 1e-7;

void ExpectSoftmaxMatches(const std::vector<int64_t>& dims, int axis, float range, uint32_t seed) {
  const std::vector<float> x = RandomFloats(Count(dims), seed, -range, range);
  for (bool log : {false, true}) {
    std::vector<float> y(x.size());
    Softmax(x.data(), dims, axis, log, y.data());
    EXPECT_TRUE(AllClose(y, NaiveSoftmax(x, dims, axis, log), kRtol, kAtol))
        << "dims " << ::testing::PrintToString(dims) << " axis " << axis << " log " << log;
  }
}

TEST(SoftmaxTest, HandComputed) {
  const float x[] = {0.0f, std::log(2.0f), 1000.0f, 1001.0f};
  const int64_t dims[] = {2, 2};
  const double e = std::exp(1.0);
  float y[4];
  Softmax(x, dims, 1, false, y);  // large logits must not overflow
  EXPECT_TRUE(
      AllClose(y, std::vector<double>{1.0 / 3, 2.0 / 3, 1 / (1 + e), e / (1 + e)}, 1e-6, 0.0));
  Softmax(x, dims, 1, true, y);
  EXPECT_TRUE(AllClose(y,
                       std::vector<double>{std::log(1.0 / 3), std::log(2.0 / 3), -std::log(1 + e),
                                           1 - std::log(1 + e)},
                       1e-6, 1e-7));
}

TEST(SoftmaxTest, LastAxis) {
  ExpectSoftmaxMatches({4, 1000}, 1, 8.0f, 1);
  ExpectSoftmaxMatches({7}, 0, 8.0f, 2);
}

TEST(SoftmaxTest, InnerAxesInColumnChunks) {
  ExpectSoftmaxMatches({3, 5, 70}, 1, 8.0f, 3);  // a chunk of 64 and one of 6
  ExpectSoftmaxMatches({6, 2, 3}, 0, 8.0f, 4);
  ExpectSoftmaxMatches({2, 9, 130}, 1, 8.0f, 5);  // 64 + 64 + 2
  ExpectSoftmaxMatches({2, 3, 4, 5}, 2, 8.0f, 6);
}

TEST(SoftmaxTest, SizeOneAxisGivesOneOrZero) {
  const std::vector<float> x = RandomFloats(6, 7, -50.0f, 50.0f);
  const int64_t dims[] = {2, 1, 3};
  std::vector<float> y(6);
  Softmax(x.data(), dims, 1, false, y.data());
  for (float v : y) EXPECT_EQ(v, 1.0f);
  Softmax(x.data(), dims, 1, true, y.data());
  for (float v : y) EXPECT_EQ(v, 0.0f);
}

TEST(SoftmaxTest, InPlace) {
  const std::vector<int64_t> dims = {3, 4, 5};
  for (int axis : {1, 2}) {
    std::vector<float> x = RandomFloats(60, 8, -5.0f, 5.0f);
    const std::vector<double> want = NaiveSoftmax(x, dims, axis, false);
    Softmax(x.data(), dims, axis, false, x.data());
    EXPECT_TRUE(AllClose(x, want, kRtol, kAtol)) << "axis " << axis;
  }
}

TEST(SoftmaxTest, EmptyTensorWritesNothing) {
  const int64_t dims[] = {2, 0, 3};
  float y[1] = {42.0f};
  Softmax(nullptr, dims, 2, false, y);
  Softmax(nullptr, dims, 1, true, y);
  EXPECT_EQ(y[0], 42.0f);
}

}  // namespace
}  // namespace kiln::edge::portable
