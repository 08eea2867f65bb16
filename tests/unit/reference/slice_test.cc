#include "runtime/reference/kernels/slice.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

Tensor Iota(Shape shape) {
  std::vector<int32_t> v(NumElements(shape));
  std::iota(v.begin(), v.end(), 0);
  return Tensor::FromVector<int32_t>(DType::kI32, std::move(shape), v);
}

using V = std::vector<int64_t>;

SliceParams P(V starts, V ends, V axes = {}, V steps = {}) {
  SliceParams p;
  p.starts = std::move(starts);
  p.ends = std::move(ends);
  p.axes = std::move(axes);
  p.steps = std::move(steps);
  return p;
}

// The parameters below are those of ONNX's backend tests test_slice_* (on a [20,10,5] input);
// the data here is 0, 1, 2, ... so the expected values follow from the index arithmetic.

TEST(SliceTest, OnnxSliceNegSteps) {
  SliceParams p{.starts = {20, 10, 4}, .ends = {0, 0, 1}, .axes = {0, 1, 2}, .steps = {-1, -3, -2}};
  rt::Result<Tensor> y = Slice(Iota({20, 10, 5}), p);
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->shape(), (Shape{19, 3, 2}));
  const int32_t* v = y->data<int32_t>();
  for (int i = 0; i < 19; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 2; ++k) {
        EXPECT_EQ(v[(i * 3 + j) * 2 + k], ((19 - i) * 10 + (9 - 3 * j)) * 5 + (4 - 2 * k));
      }
}

TEST(SliceTest, OnnxSliceEndOutOfBoundsAndNegativeAxes) {
  rt::Result<Tensor> y = Slice(Iota({20, 10, 5}), P(V{1}, V{1000}, V{1}, V{1}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{20, 9, 5}));
  EXPECT_EQ(y->data<int32_t>()[0], 5);

  y = Slice(Iota({20, 10, 5}), P(V{0, 0, 3}, V{20, 10, 4}, V{0, -2, -1}));
  ASSERT_TRUE(y.ok());
  ASSERT_EQ(y->shape(), (Shape{20, 10, 1}));
  EXPECT_EQ(y->data<int32_t>()[1], 8);
}

TEST(SliceTest, OnnxSliceStartOutOfBoundsGivesEmpty) {
  rt::Result<Tensor> y = Slice(Iota({20, 10, 5}), P(V{1000}, V{1000}, V{1}, V{1}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{20, 0, 5}));
}

TEST(SliceTest, NegativeIndicesAndDefaults) {
  // x[-3:-1] on the only axis; axes and steps default.
  rt::Result<Tensor> y = Slice(Iota({6}), P(V{-3}, V{-1}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{3, 4}));
}

TEST(SliceTest, ExtremeBoundsMeanWholeAxis) {
  // Reverse the whole axis: start INT64_MAX clamps to dim-1, end INT64_MIN to -1.
  rt::Result<Tensor> y = Slice(Iota({4}), P(V{INT64_MAX}, V{INT64_MIN}, V{}, V{-1}));
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{3, 2, 1, 0}));
  y = Slice(Iota({5}), P(V{INT64_MIN}, V{INT64_MAX}, V{}, V{INT64_MAX}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{0}));
  y = Slice(Iota({5}), P(V{-1}, V{-100}, V{}, V{INT64_MIN}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{4}));
}

TEST(SliceTest, StepsCountUpToButExcludingEnd) {
  rt::Result<Tensor> y = Slice(Iota({10}), P(V{1}, V{8}, V{}, V{3}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{1, 4, 7}));
  y = Slice(Iota({10}), P(V{8}, V{1}, V{}, V{-3}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{8, 5, 2}));
}

TEST(SliceTest, EmptyAxisWithNegativeStep) {
  rt::Result<Tensor> y = Slice(Iota({0, 2}), P(V{-1}, V{-100}, V{}, V{-1}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{0, 2}));
}

TEST(SliceTest, Errors) {
  EXPECT_FALSE(Slice(Iota({4}), P(V{0}, V{4}, V{}, V{0})).ok());
  EXPECT_FALSE(Slice(Iota({4}), P(V{0}, V{4, 1})).ok());
  EXPECT_FALSE(Slice(Iota({4}), P(V{0}, V{4}, V{1})).ok());
  EXPECT_FALSE(Slice(Iota({4, 4}), P(V{0, 0}, V{4, 4}, V{0, -2})).ok());
}

}  // namespace
}  // namespace kiln::ref
