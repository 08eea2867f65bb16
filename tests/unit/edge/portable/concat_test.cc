#include "runtime/edge/portable/concat.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/unit/edge/portable/test_tensors.h"

namespace kiln::edge::portable {
namespace {

using testing::Count;
using testing::RandomBits;
using testing::Ravel;
using testing::Unravel;

// Output element by element: find the input whose range along `axis` holds the index.
template <typename T>
void ExpectConcatMatches(const std::vector<std::vector<int64_t>>& dims, int axis) {
  std::vector<std::vector<T>> data;
  std::vector<const void*> ins;
  std::vector<Dims> in_dims;
  std::vector<int64_t> out_dims = dims[0];
  out_dims[axis] = 0;
  for (size_t i = 0; i < dims.size(); ++i) {
    data.push_back(RandomBits<T>(Count(dims[i]), static_cast<uint32_t>(i + 1)));
    out_dims[axis] += dims[i][axis];
  }
  for (size_t i = 0; i < dims.size(); ++i) {
    ins.push_back(data[i].data());
    in_dims.push_back(dims[i]);
  }
  std::vector<T> want(Count(out_dims));
  for (int64_t o = 0; o < Count(out_dims); ++o) {
    std::vector<int64_t> index = Unravel(o, out_dims);
    size_t i = 0;
    while (index[axis] >= dims[i][axis]) index[axis] -= dims[i++][axis];
    want[o] = data[i][Ravel(index, dims[i])];
  }
  std::vector<T> got(want.size());
  Concat(ins, in_dims, axis, sizeof(T), got.data());
  EXPECT_EQ(got, want) << "axis " << axis << " elem " << sizeof(T);
}

TEST(ConcatTest, HandComputedRows) {
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6};  // [2, 2] and [2, 1]
  const int64_t a_dims[] = {2, 2}, b_dims[] = {2, 1};
  const void* ins[] = {a, b};
  const Dims dims[] = {a_dims, b_dims};
  float y[6];
  Concat(ins, dims, 1, sizeof(float), y);
  EXPECT_EQ(std::vector<float>(y, y + 6), (std::vector<float>{1, 2, 5, 3, 4, 6}));
}

TEST(ConcatTest, EveryAxisOfRankThree) {
  ExpectConcatMatches<float>({{3, 4, 5}, {2, 4, 5}, {1, 4, 5}}, 0);
  ExpectConcatMatches<float>({{3, 4, 5}, {3, 1, 5}, {3, 6, 5}}, 1);
  ExpectConcatMatches<float>({{3, 4, 5}, {3, 4, 2}}, 2);
  ExpectConcatMatches<uint8_t>({{3, 4, 5}, {3, 4, 3}}, 2);
  ExpectConcatMatches<uint16_t>({{3, 4, 5}, {3, 2, 5}}, 1);
  ExpectConcatMatches<uint64_t>({{3, 4, 5}, {3, 4, 1}, {3, 4, 2}}, 2);
}

TEST(ConcatTest, RankOneAndSingleInput) {
  ExpectConcatMatches<float>({{7}, {1}, {3}}, 0);
  ExpectConcatMatches<float>({{2, 3}}, 1);
}

TEST(ConcatTest, EmptyInputsContributeNothing) {
  ExpectConcatMatches<float>({{2, 0, 3}, {2, 4, 3}, {2, 0, 3}}, 1);
  ExpectConcatMatches<float>({{0, 3}, {0, 2}}, 1);  // empty output
}

}  // namespace
}  // namespace kiln::edge::portable
