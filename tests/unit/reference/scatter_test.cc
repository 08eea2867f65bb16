#include "runtime/reference/kernels/scatter.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

Tensor F32(Shape s, std::vector<float> v) { return Tensor::FromVector<float>(DType::kF32, s, v); }
Tensor I64(Shape s, std::vector<int64_t> v) {
  return Tensor::FromVector<int64_t>(DType::kI64, s, v);
}

TEST(ScatterTest, ParsesReductions) {
  EXPECT_EQ(*ParseScatterReduction("none"), ScatterReduction::kNone);
  EXPECT_EQ(*ParseScatterReduction("add"), ScatterReduction::kAdd);
  EXPECT_EQ(*ParseScatterReduction("mul"), ScatterReduction::kMul);
  EXPECT_FALSE(ParseScatterReduction("sum").ok());
}

// ONNX's documented example for axis 0.
TEST(ScatterTest, ElementsAxis0) {
  Tensor data = F32({3, 3}, std::vector<float>(9, 0));
  Tensor idx = I64({2, 3}, {1, 0, 2, 0, 2, 1});
  Tensor upd = F32({2, 3}, {1, 1.1f, 1.2f, 2, 2.1f, 2.2f});
  rt::Result<Tensor> y = ScatterElements(data, idx, upd, 0, ScatterReduction::kNone);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(Values<float>(*y), (std::vector<float>{2, 1.1f, 0, 1, 0, 2.2f, 0, 2.1f, 1.2f}));
  // The input is unchanged.
  EXPECT_EQ(Values<float>(data), std::vector<float>(9, 0));
}

TEST(ScatterTest, ElementsReduceDuplicatesAndNegativeIndices) {
  Tensor data = F32({1, 5}, {1, 2, 3, 4, 5});
  Tensor idx = I64({1, 3}, {1, -4, 3});
  Tensor upd = F32({1, 3}, {10, 20, 30});
  rt::Result<Tensor> add = ScatterElements(data, idx, upd, 1, ScatterReduction::kAdd);
  ASSERT_TRUE(add.ok());
  EXPECT_EQ(Values<float>(*add), (std::vector<float>{1, 2 + 10 + 20, 3, 4 + 30, 5}));
  rt::Result<Tensor> mul = ScatterElements(data, idx, upd, -1, ScatterReduction::kMul);
  ASSERT_TRUE(mul.ok());
  EXPECT_EQ(Values<float>(*mul), (std::vector<float>{1, 2 * 10 * 20, 3, 4 * 30, 5}));
  rt::Result<Tensor> none = ScatterElements(data, idx, upd, 1, ScatterReduction::kNone);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(Values<float>(*none), (std::vector<float>{1, 20, 3, 30, 5}));  // last write wins
}

// ONNX's documented ScatterND examples (element and slice updates).
TEST(ScatterTest, NDElements) {
  Tensor data = Tensor::FromVector<int32_t>(DType::kI32, {8}, {1, 2, 3, 4, 5, 6, 7, 8});
  Tensor idx = I64({4, 1}, {4, 3, 1, 7});
  Tensor upd = Tensor::FromVector<int32_t>(DType::kI32, {4}, {9, 10, 11, 12});
  rt::Result<Tensor> y = ScatterND(data, idx, upd, ScatterReduction::kNone);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{1, 11, 3, 10, 9, 6, 7, 12}));
}

TEST(ScatterTest, NDSlicesWithReduction) {
  Tensor data = F32({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor idx = I64({2, 1}, {1, -1});  // both name row 1
  Tensor upd = F32({2, 3}, {10, 20, 30, 2, 2, 2});
  rt::Result<Tensor> add = ScatterND(data, idx, upd, ScatterReduction::kAdd);
  ASSERT_TRUE(add.ok()) << add.status().message();
  EXPECT_EQ(Values<float>(*add), (std::vector<float>{1, 2, 3, 16, 27, 38}));
  rt::Result<Tensor> mul = ScatterND(data, idx, upd, ScatterReduction::kMul);
  ASSERT_TRUE(mul.ok());
  EXPECT_EQ(Values<float>(*mul), (std::vector<float>{1, 2, 3, 80, 200, 360}));
}

TEST(ScatterTest, Errors) {
  Tensor data = F32({2, 2}, {1, 2, 3, 4});
  EXPECT_FALSE(
      ScatterElements(data, I64({1, 1}, {2}), F32({1, 1}, {0}), 0, ScatterReduction::kNone).ok());
  EXPECT_FALSE(
      ScatterElements(data, I64({1, 1}, {0}), F32({1, 2}, {0, 0}), 0, ScatterReduction::kNone)
          .ok());
  EXPECT_FALSE(
      ScatterND(data, I64({1, 1}, {0}), F32({1, 3}, {0, 0, 0}), ScatterReduction::kNone).ok());
  EXPECT_FALSE(
      ScatterND(data, I64({1, 3}, {0, 0, 0}), F32({1}, {0}), ScatterReduction::kNone).ok());
  Tensor i32 = Tensor::FromVector<int32_t>(DType::kI32, {1, 2}, {0, 0});
  EXPECT_FALSE(ScatterND(data, I64({1, 1}, {0}), i32, ScatterReduction::kNone).ok());  // dtype
}

}  // namespace
}  // namespace kiln::ref
