#include "runtime/edge/portable/transpose.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "tests/unit/edge/portable/test_tensors.h"

namespace kiln::edge::portable {
namespace {

using testing::Count;
using testing::RandomBits;
using testing::Ravel;
using testing::Unravel;

// out[i0..] = in[j] where in index j[perm[d]] = i[d]: one element at a time.
template <typename T>
std::vector<T> NaiveTranspose(const std::vector<T>& in, const std::vector<int64_t>& dims,
                              const std::vector<int64_t>& perm) {
  std::vector<int64_t> out_dims(dims.size());
  for (size_t d = 0; d < dims.size(); ++d) out_dims[d] = dims[perm[d]];
  std::vector<T> out(in.size());
  for (int64_t o = 0; o < Count(out_dims); ++o) {
    const std::vector<int64_t> oi = Unravel(o, out_dims);
    std::vector<int64_t> ii(dims.size());
    for (size_t d = 0; d < dims.size(); ++d) ii[perm[d]] = oi[d];
    out[o] = in[Ravel(ii, dims)];
  }
  return out;
}

template <typename T>
void ExpectTransposeMatches(const std::vector<int64_t>& dims, const std::vector<int64_t>& perm,
                            uint32_t seed) {
  const std::vector<T> in = RandomBits<T>(Count(dims), seed);
  std::vector<T> out(in.size());
  Transpose(in.data(), dims, perm, sizeof(T), out.data());
  EXPECT_EQ(out, NaiveTranspose(in, dims, perm))
      << "dims " << ::testing::PrintToString(dims) << " perm " << ::testing::PrintToString(perm)
      << " elem " << sizeof(T);
}

void ExpectAllElemSizes(const std::vector<int64_t>& dims, const std::vector<int64_t>& perm) {
  ExpectTransposeMatches<uint8_t>(dims, perm, 1);
  ExpectTransposeMatches<uint16_t>(dims, perm, 2);
  ExpectTransposeMatches<uint32_t>(dims, perm, 3);
  ExpectTransposeMatches<uint64_t>(dims, perm, 4);
}

TEST(TransposeTest, HandComputedMatrix) {
  const float in[] = {1, 2, 3, 4, 5, 6};  // [2, 3]
  const int64_t dims[] = {2, 3}, perm[] = {1, 0};
  float out[6];
  Transpose(in, dims, perm, sizeof(float), out);
  EXPECT_EQ(std::vector<float>(out, out + 6), (std::vector<float>{1, 4, 2, 5, 3, 6}));
}

TEST(TransposeTest, EveryPermutationOfRanksOneToFour) {
  for (const std::vector<int64_t>& dims : std::vector<std::vector<int64_t>>{
           {5}, {3, 4}, {2, 3, 4}, {2, 3, 1, 5}, {1, 4, 3, 2}, {3, 1, 1, 2}}) {
    std::vector<int64_t> perm(dims.size());
    std::iota(perm.begin(), perm.end(), 0);
    do {
      ExpectAllElemSizes(dims, perm);
    } while (std::next_permutation(perm.begin(), perm.end()));
  }
}

TEST(TransposeTest, NchwToNhwcAndBackAcrossTileEdges) {
  ExpectAllElemSizes({2, 37, 33, 5}, {0, 2, 3, 1});
  ExpectAllElemSizes({2, 33, 5, 37}, {0, 3, 1, 2});
  ExpectAllElemSizes({1, 64, 7, 9}, {0, 2, 3, 1});
  ExpectAllElemSizes({65, 70}, {1, 0});
}

TEST(TransposeTest, InnermostAxisKeptMovesRows) {
  ExpectAllElemSizes({2, 5, 3, 8}, {0, 2, 1, 3});  // attention heads
  ExpectAllElemSizes({4, 3, 6}, {1, 0, 2});
}

TEST(TransposeTest, RankSixPermutations) {
  const std::vector<int64_t> dims = {2, 3, 1, 4, 2, 3};
  for (const std::vector<int64_t>& perm : std::vector<std::vector<int64_t>>{
           {5, 4, 3, 2, 1, 0}, {1, 3, 5, 0, 2, 4}, {0, 1, 2, 3, 5, 4}, {2, 0, 4, 1, 5, 3}}) {
    ExpectAllElemSizes(dims, perm);
  }
}

TEST(TransposeTest, ScalarIsCopied) {
  const uint64_t in = 0x0123456789abcdefULL;
  uint64_t out = 0;
  Transpose(&in, Dims{}, Dims{}, sizeof(in), &out);
  EXPECT_EQ(out, in);
}

TEST(TransposeTest, EmptyTensorWritesNothing) {
  const int64_t dims[] = {3, 0, 2}, perm[] = {2, 0, 1};
  const float in[1] = {1.0f};
  float out[1] = {42.0f};
  Transpose(in, dims, perm, sizeof(float), out);
  EXPECT_EQ(out[0], 42.0f);
}

}  // namespace
}  // namespace kiln::edge::portable
