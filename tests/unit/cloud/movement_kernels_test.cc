// transpose and slice on oneDNN reorders against ref::Transpose / ref::Slice: the same bytes
// exactly (nothing is computed, only moved), for dtypes of 1, 2, 4 and 8 bytes, every perm of
// rank 3, steps, negative and clamped bounds; and the cases handed to the fallback (negative
// steps, bounds that are not constants) still give the reference's bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <numeric>

#include "runtime/reference/kernels/slice.h"
#include "runtime/reference/kernels/transpose.h"
#include "tests/unit/cloud/kernel_harness.h"

namespace kiln::cloud::testing {
namespace {

// A tensor of `dtype` whose bytes are all distinct-ish (a counter), so a misplaced element shows.
ref::Tensor Counting(rt::DType dtype, const ref::Shape& shape) {
  ref::Tensor t = *ref::Tensor::Zeros(dtype, shape);
  auto* bytes = static_cast<uint8_t*>(t.mutable_raw());
  for (int64_t i = 0; i < t.num_bytes(); ++i) bytes[i] = static_cast<uint8_t>(i * 7 + i / 251);
  return t;
}

::testing::AssertionResult SameBytes(const ref::Tensor& got, const ref::Tensor& want) {
  if (got.dtype() != want.dtype() || got.shape() != want.shape()) {
    return ::testing::AssertionFailure() << "dtype or shape differs";
  }
  if (std::memcmp(got.raw(), want.raw(), static_cast<size_t>(want.num_bytes())) != 0) {
    return ::testing::AssertionFailure() << "bytes differ";
  }
  return ::testing::AssertionSuccess();
}

ref::Tensor I64(const std::vector<int64_t>& values) {
  ref::Tensor t = *ref::Tensor::Zeros(rt::DType::kI64, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.mutable_data<int64_t>());
  return t;
}

TEST(DnnlTranspose, EveryPermOfRank3ForEveryElementSize) {
  for (rt::DType dtype : {rt::DType::kF32, rt::DType::kI64, rt::DType::kU8, rt::DType::kF16,
                          rt::DType::kI32, rt::DType::kBool}) {
    const ref::Tensor x = Counting(dtype, {3, 5, 7});
    std::vector<int64_t> perm = {0, 1, 2};
    do {
      SCOPED_TRACE(std::string(rt::DTypeName(dtype)) + " perm " + std::to_string(perm[0]) +
                   std::to_string(perm[1]) + std::to_string(perm[2]));
      rt::Result<std::vector<ref::Tensor>> got =
          RunKernel("transpose", {In(x)}, {{"perm", perm}}, {.output_dtype = dtype});
      ASSERT_TRUE(got.ok()) << got.status().message();
      EXPECT_TRUE(SameBytes(got->at(0), *ref::Transpose(x, perm)));
    } while (std::next_permutation(perm.begin(), perm.end()));
  }
}

TEST(DnnlTranspose, DefaultReversesAndAttentionShapes) {
  const ref::Tensor x = Random({2, 3, 4, 5}, 1);
  rt::Result<std::vector<ref::Tensor>> got = RunKernel("transpose", {In(x)});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(SameBytes(got->at(0), *ref::Transpose(x, {})));
  // The transformer's head split and its key transpose.
  const ref::Tensor q = Random({128, 8, 32}, 2);
  got = RunKernel("transpose", {In(q)}, {{"perm", Ints{1, 0, 2}}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(SameBytes(got->at(0), *ref::Transpose(q, std::vector<int64_t>{1, 0, 2})));
  got = RunKernel("transpose", {In(q)}, {{"perm", Ints{0, 2, 1}}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(SameBytes(got->at(0), *ref::Transpose(q, std::vector<int64_t>{0, 2, 1})));
}

TEST(DnnlTranspose, RejectsAPermThatIsNotOne) {
  const ref::Tensor x = Random({2, 3}, 3);
  for (const Ints& perm : {Ints{0, 0}, Ints{0}, Ints{0, 2}, Ints{-1, 0}}) {
    rt::Result<std::vector<ref::Tensor>> got = RunKernel("transpose", {In(x)}, {{"perm", perm}});
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.status().message().find("is not a permutation"), std::string::npos)
        << got.status().message();
  }
}

struct SliceCase {
  std::string name;
  ref::Shape shape;
  std::vector<int64_t> starts, ends, axes, steps;
};

TEST(DnnlSlice, MatchesTheReference) {
  const int64_t kMax = INT64_MAX;
  const std::vector<SliceCase> cases = {
      {"qkv split", {128, 1, 768}, {256}, {512}, {2}, {}},
      {"two axes", {4, 6, 8}, {1, 2}, {3, 7}, {0, 2}, {}},
      {"steps", {9, 10}, {1, 0}, {kMax, 10}, {0, 1}, {2, 3}},
      {"negative bounds", {5, 6}, {-3}, {-1}, {1}, {}},
      {"clamped", {5, 6}, {-100}, {100}, {0}, {}},
      {"empty", {5, 6}, {4}, {2}, {0}, {}},
      {"negative steps (fallback)", {5, 6}, {4, -1}, {0, -kMax}, {0, 1}, {-1, -2}},
  };
  for (rt::DType dtype : {rt::DType::kF32, rt::DType::kI64, rt::DType::kU8}) {
    for (const SliceCase& c : cases) {
      SCOPED_TRACE(c.name + " " + std::string(rt::DTypeName(dtype)));
      const ref::Tensor x = Counting(dtype, c.shape);
      std::vector<PlainOperand> in = {In(x), Const(I64(c.starts)), Const(I64(c.ends)),
                                      Const(I64(c.axes))};
      if (!c.steps.empty()) in.push_back(Const(I64(c.steps)));
      const ref::Tensor want =
          *ref::Slice(x, {.starts = c.starts, .ends = c.ends, .axes = c.axes, .steps = c.steps});
      rt::Result<std::vector<ref::Tensor>> got =
          RunKernel("slice", in, {}, {.output_dtype = dtype, .output_dims = want.shape()});
      ASSERT_TRUE(got.ok()) << got.status().message();
      EXPECT_TRUE(SameBytes(got->at(0), want));
    }
  }
}

TEST(DnnlSlice, BoundsThatAreNotConstantsGoToTheFallback) {
  const ref::Tensor x = Random({6, 4}, 4);
  const ref::Tensor want = *ref::Slice(x, {.starts = {1}, .ends = {5}, .axes = {0}, .steps = {}});
  rt::Result<std::vector<ref::Tensor>> got =
      RunKernel("slice", {In(x), In(I64({1})), In(I64({5})), Const(I64({0}))}, {},
                {.output_dims = want.shape()});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(SameBytes(got->at(0), want));
}

}  // namespace
}  // namespace kiln::cloud::testing
