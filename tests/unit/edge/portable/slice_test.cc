#include "runtime/edge/portable/slice.h"

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

// Bytes of elem_size, compared as whole elements.
template <size_t kBytes>
struct Elem {
  uint8_t bytes[kBytes];
  bool operator==(const Elem&) const = default;
};

template <typename T>
void ExpectSliceMatches(const std::vector<int64_t>& in_dims, const std::vector<int64_t>& starts,
                        const std::vector<int64_t>& steps, const std::vector<int64_t>& out_dims) {
  std::vector<T> in(Count(in_dims));
  const std::vector<uint8_t> bits = RandomBits<uint8_t>(in.size() * sizeof(T), 9);
  std::memcpy(in.data(), bits.data(), bits.size());
  std::vector<T> want(Count(out_dims));
  for (int64_t o = 0; o < Count(out_dims); ++o) {
    std::vector<int64_t> index = Unravel(o, out_dims);
    for (size_t d = 0; d < index.size(); ++d) index[d] = starts[d] + index[d] * steps[d];
    want[o] = in[Ravel(index, in_dims)];
  }
  std::vector<T> got(want.size());
  Slice(in.data(), in_dims, starts, steps, out_dims, sizeof(T), got.data());
  EXPECT_TRUE(got == want) << "in " << ::testing::PrintToString(in_dims) << " starts "
                           << ::testing::PrintToString(starts) << " steps "
                           << ::testing::PrintToString(steps) << " elem " << sizeof(T);
}

template <typename T>
void ExpectCases() {
  ExpectSliceMatches<T>({4, 6}, {3, 1}, {-1, 2}, {4, 3});
  ExpectSliceMatches<T>({4, 6}, {1, 0}, {1, 1}, {2, 6});   // whole rows
  ExpectSliceMatches<T>({4, 6}, {0, 5}, {1, -1}, {4, 6});  // columns reversed
  ExpectSliceMatches<T>({3, 4, 5}, {2, 1, 0}, {-2, 1, 1}, {2, 3, 5});
  ExpectSliceMatches<T>({3, 4, 5}, {0, 3, 4}, {1, -3, -2}, {3, 2, 3});
  ExpectSliceMatches<T>({2, 1, 3, 1, 4}, {1, 0, 2, 0, 3}, {-1, 1, -1, 1, -1}, {2, 1, 3, 1, 4});
  ExpectSliceMatches<T>({2, 3, 2, 3, 2, 3}, {1, 0, 0, 2, 0, 0}, {-1, 2, 1, -1, 1, 1},
                        {2, 2, 2, 3, 2, 3});
  ExpectSliceMatches<T>({9}, {8}, {-4}, {3});
  ExpectSliceMatches<T>({9}, {2}, {1}, {5});
}

TEST(SliceTest, HandComputedReverseAndStride) {
  const float in[] = {0, 1, 2, 3, 4, 5, 6, 7};  // [2, 4]
  const int64_t in_dims[] = {2, 4}, starts[] = {1, 3}, steps[] = {-1, -2}, out_dims[] = {2, 2};
  float out[4];
  Slice(in, in_dims, starts, steps, out_dims, sizeof(float), out);
  EXPECT_EQ(std::vector<float>(out, out + 4), (std::vector<float>{7, 5, 3, 1}));
}

TEST(SliceTest, EveryElementSizeAndBlockSize) {
  ExpectCases<Elem<1>>();
  ExpectCases<Elem<2>>();
  ExpectCases<Elem<4>>();
  ExpectCases<Elem<8>>();
  ExpectCases<Elem<3>>();  // odd sizes take the memcpy-per-block path
  ExpectCases<Elem<12>>();
}

TEST(SliceTest, ScalarIsCopied) {
  const float in = 2.5f;
  float out = 0.0f;
  Slice(&in, Dims{}, Dims{}, Dims{}, Dims{}, sizeof(float), &out);
  EXPECT_EQ(out, 2.5f);
}

TEST(SliceTest, EmptyOutputWritesNothing) {
  const float in[6] = {};
  float out[1] = {42.0f};
  const int64_t in_dims[] = {2, 3}, starts[] = {0, 0}, steps[] = {1, 1}, out_dims[] = {2, 0};
  Slice(in, in_dims, starts, steps, out_dims, sizeof(float), out);
  EXPECT_EQ(out[0], 42.0f);
}

}  // namespace
}  // namespace kiln::edge::portable
