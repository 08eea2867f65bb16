#include "runtime/edge/portable/matmul.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tests/unit/edge/portable/test_tensors.h"

namespace kiln::edge::portable {
namespace {

using testing::Count;
using testing::RandomFloats;
using testing::Unravel;

std::vector<int64_t> V(const FixedDims& d) { return {d.begin(), d.end()}; }

// Dot product by dot product in double, with numpy's promotion of 1-D operands and batch
// broadcasting written out index by index; also returns sum |a||b| per output for the bound.
struct Naive {
  std::vector<int64_t> dims;
  std::vector<double> y, magnitude;
};

Naive NaiveMatMul(const std::vector<float>& a, std::vector<int64_t> ad, const std::vector<float>& b,
                  std::vector<int64_t> bd) {
  const bool a_vec = ad.size() == 1, b_vec = bd.size() == 1;
  if (a_vec) ad.insert(ad.begin(), 1);
  if (b_vec) bd.push_back(1);
  const int64_t m = ad[ad.size() - 2], k = ad.back(), n = bd.back();
  const size_t batch_rank = std::max(ad.size(), bd.size()) - 2;
  std::vector<int64_t> batch(batch_rank);
  for (size_t i = 0; i < batch_rank; ++i) {
    const size_t from_end = batch_rank - i;  // 1 for the last batch dim
    const int64_t da = from_end + 2 <= ad.size() ? ad[ad.size() - 2 - from_end] : 1;
    const int64_t db = from_end + 2 <= bd.size() ? bd[bd.size() - 2 - from_end] : 1;
    batch[i] = da == 1 ? db : da;
  }
  Naive r;
  for (int64_t bi = 0; bi < Count(batch); ++bi) {
    const std::vector<int64_t> index = Unravel(bi, batch);
    // Flat batch offsets of a and b, reading index 0 along their broadcast dims.
    auto offset = [&](const std::vector<int64_t>& d) {
      int64_t off = 0;
      for (size_t i = 0; i + 2 < d.size(); ++i) {
        const int64_t idx = index[i + batch_rank - (d.size() - 2)];
        off = off * d[i] + (d[i] == 1 ? 0 : idx);
      }
      return off;
    };
    const float* pa = a.data() + offset(ad) * m * k;
    const float* pb = b.data() + offset(bd) * k * n;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double sum = 0.0, mag = 0.0;
        for (int64_t p = 0; p < k; ++p) {
          sum += double{pa[i * k + p]} * pb[p * n + j];
          mag += std::fabs(double{pa[i * k + p]} * pb[p * n + j]);
        }
        r.y.push_back(sum);
        r.magnitude.push_back(mag);
      }
    }
  }
  r.dims = batch;
  if (!a_vec) r.dims.push_back(m);
  if (!b_vec) r.dims.push_back(n);
  return r;
}

// Float accumulation of k products: |error| <= ~k * eps * sum |a||b|; k <= 300 here, and
// blocked or SIMD summation orders do better. 1e-5 of the magnitude holds with margin.
constexpr double kTolerance = 1e-5;

void ExpectMatMulMatches(const std::vector<int64_t>& ad, const std::vector<int64_t>& bd,
                         uint32_t seed = 1) {
  const std::vector<float> a = RandomFloats(Count(ad), seed), b = RandomFloats(Count(bd), seed + 1);
  const Naive want = NaiveMatMul(a, ad, b, bd);
  const std::optional<FixedDims> dims = MatMulOutputDims(ad, bd);
  ASSERT_TRUE(dims) << ::testing::PrintToString(ad) << " x " << ::testing::PrintToString(bd);
  ASSERT_EQ(V(*dims), want.dims);
  std::vector<float> y(want.y.size() + 1, 42.0f);  // one sentinel past the end
  MatMul(a.data(), ad, b.data(), bd, y.data());
  EXPECT_EQ(y.back(), 42.0f);
  for (size_t i = 0; i < want.y.size(); ++i) {
    ASSERT_LE(std::fabs(y[i] - want.y[i]), kTolerance * want.magnitude[i] + 1e-30)
        << "element " << i << " of " << ::testing::PrintToString(ad) << " x "
        << ::testing::PrintToString(bd);
  }
}

TEST(MatMulTest, HandComputed) {
  const float a[] = {1, 2, 3, 4, 5, 6};     // [2, 3]
  const float b[] = {7, 8, 9, 10, 11, 12};  // [3, 2]
  const int64_t ad[] = {2, 3}, bd[] = {3, 2};
  float y[4];
  MatMul(a, ad, b, bd, y);
  EXPECT_EQ(std::vector<float>(y, y + 4), (std::vector<float>{58, 64, 139, 154}));
}

TEST(MatMulTest, MatricesAcrossBlockAndRowEdges) {
  ExpectMatMulMatches({1, 1}, {1, 1});
  ExpectMatMulMatches({5, 3}, {3, 7});
  ExpectMatMulMatches({64, 64}, {64, 64});
  ExpectMatMulMatches({7, 130}, {130, 300});  // K and N each past one block, M % 4 == 3
  ExpectMatMulMatches({9, 65}, {65, 257});
  ExpectMatMulMatches({6, 33}, {33, 1});  // N == 1: dot products
}

TEST(MatMulTest, OneDimensionalOperands) {
  ExpectMatMulMatches({5}, {5, 3});     // [3]
  ExpectMatMulMatches({4, 5}, {5});     // [4]
  ExpectMatMulMatches({70}, {70});      // scalar
  ExpectMatMulMatches({2, 3, 5}, {5});  // [2, 3]
  ExpectMatMulMatches({5}, {2, 5, 3});  // [2, 3]
}

TEST(MatMulTest, BatchDimsBroadcastFromEachSide) {
  ExpectMatMulMatches({8, 64, 64}, {8, 64, 64});
  ExpectMatMulMatches({2, 3, 4, 5}, {5, 6});        // weights: a's batches fold into M
  ExpectMatMulMatches({2, 3, 4, 5}, {1, 1, 5, 6});  // the same with explicit ones
  ExpectMatMulMatches({4, 5}, {3, 5, 6});           // b batched, a not
  ExpectMatMulMatches({2, 1, 4, 5}, {3, 5, 6});     // both broadcast
  ExpectMatMulMatches({3, 1, 4, 5}, {1, 2, 5, 6});
  ExpectMatMulMatches({2, 1, 2, 1, 3, 4}, {2, 1, 2, 4, 2});  // rank 6
}

TEST(MatMulTest, EmptyDims) {
  ExpectMatMulMatches({3, 0}, {0, 4});  // K == 0: zeros
  ExpectMatMulMatches({2, 3, 0}, {0, 1});
  ExpectMatMulMatches({0, 5}, {5, 4});  // no rows
  ExpectMatMulMatches({2, 0, 3, 5}, {5, 4});
  ExpectMatMulMatches({3, 5}, {0, 5, 4});  // no batches
}

TEST(MatMulTest, OutputDimsRejectWhatDoesNotMultiply) {
  const int64_t a[] = {2, 3, 4}, b_bad_k[] = {5, 6}, b_bad_batch[] = {3, 4, 6}, vec[] = {4};
  EXPECT_FALSE(MatMulOutputDims(a, b_bad_k));
  EXPECT_FALSE(MatMulOutputDims(a, b_bad_batch));
  EXPECT_FALSE(MatMulOutputDims(Dims{}, vec));
  EXPECT_FALSE(MatMulOutputDims(vec, Dims{}));
  EXPECT_EQ(V(*MatMulOutputDims(vec, vec)), std::vector<int64_t>{});
}

}  // namespace
}  // namespace kiln::edge::portable
