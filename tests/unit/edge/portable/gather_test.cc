#include "runtime/edge/portable/gather.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "tests/unit/edge/portable/test_tensors.h"

namespace kiln::edge::portable {
namespace {

using testing::Count;
using testing::RandomBits;
using testing::Ravel;
using testing::Unravel;

template <size_t kBytes>
struct Elem {
  uint8_t bytes[kBytes];
  bool operator==(const Elem&) const = default;
};

// Output [outer..., num_indices, inner...]: index by index.
template <typename T>
void ExpectGatherMatches(const std::vector<int64_t>& dims, int axis,
                         const std::vector<int64_t>& indices) {
  std::vector<T> data(Count(dims));
  const std::vector<uint8_t> bits = RandomBits<uint8_t>(data.size() * sizeof(T), 5);
  std::memcpy(data.data(), bits.data(), bits.size());
  std::vector<int64_t> out_dims = dims;
  out_dims[axis] = static_cast<int64_t>(indices.size());
  std::vector<T> want(Count(out_dims));
  for (int64_t o = 0; o < Count(out_dims); ++o) {
    std::vector<int64_t> index = Unravel(o, out_dims);
    index[axis] = indices[index[axis]];
    want[o] = data[Ravel(index, dims)];
  }
  std::vector<T> got(want.size());
  Gather(data.data(), dims, axis, indices.data(), static_cast<int64_t>(indices.size()), sizeof(T),
         got.data());
  EXPECT_TRUE(got == want) << "dims " << ::testing::PrintToString(dims) << " axis " << axis
                           << " elem " << sizeof(T);
}

template <typename T>
void ExpectCases() {
  ExpectGatherMatches<T>({5, 3}, 0, {4, 0, 4, 2});
  ExpectGatherMatches<T>({2, 5, 3}, 1, {1, 1, 0});
  ExpectGatherMatches<T>({2, 3, 5}, 2, {4, 3, 0, 0, 2, 1});
  ExpectGatherMatches<T>({7}, 0, {6});
  ExpectGatherMatches<T>({2, 1, 3}, 1, {0, 0});
}

TEST(GatherTest, HandComputedEmbeddingRows) {
  const float table[] = {0, 1, 10, 11, 20, 21};  // [3, 2]
  const int64_t dims[] = {3, 2}, ids[] = {2, 0, 2};
  float rows[6];
  Gather(table, dims, 0, ids, 3, sizeof(float), rows);
  EXPECT_EQ(std::vector<float>(rows, rows + 6), (std::vector<float>{20, 21, 0, 1, 20, 21}));
}

TEST(GatherTest, EveryElementSizeAndBlockSize) {
  ExpectCases<Elem<1>>();
  ExpectCases<Elem<2>>();
  ExpectCases<Elem<4>>();
  ExpectCases<Elem<8>>();
  ExpectCases<Elem<3>>();
  ExpectCases<Elem<16>>();
}

TEST(GatherTest, NoIndicesWritesNothing) {
  const float data[6] = {};
  const int64_t dims[] = {2, 3};
  float out[1] = {42.0f};
  Gather(data, dims, 1, nullptr, 0, sizeof(float), out);
  EXPECT_EQ(out[0], 42.0f);
}

}  // namespace
}  // namespace kiln::edge::portable
