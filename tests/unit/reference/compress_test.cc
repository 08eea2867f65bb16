#include "runtime/reference/kernels/compress.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

const Tensor kX = Tensor::FromVector<float>(DType::kF32, {3, 2}, {1, 2, 3, 4, 5, 6});

Tensor Cond(std::vector<bool> c) {
  Tensor t = *Tensor::Empty(DType::kBool, {static_cast<int64_t>(c.size())});
  for (size_t i = 0; i < c.size(); ++i) t.mutable_data<bool>()[i] = c[i];
  return t;
}

// ONNX's documented examples.
TEST(CompressTest, AlongAnAxis) {
  rt::Result<Tensor> y = Compress(kX, Cond({false, true, true}), 0);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{2, 2}));
  EXPECT_EQ(Values<float>(*y), (std::vector<float>{3, 4, 5, 6}));
  y = Compress(kX, Cond({false, true}), -1);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{3, 1}));
  EXPECT_EQ(Values<float>(*y), (std::vector<float>{2, 4, 6}));
}

TEST(CompressTest, FlattenedWithAShortNumericCondition) {
  Tensor cond = Tensor::FromVector<int32_t>(DType::kI32, {4}, {0, 7, 0, 1});
  rt::Result<Tensor> y = Compress(kX, cond, std::nullopt);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{2}));
  EXPECT_EQ(Values<float>(*y), (std::vector<float>{2, 4}));
}

TEST(CompressTest, NothingSelectedAndErrors) {
  rt::Result<Tensor> y = Compress(kX, Cond({false, false}), 1);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{3, 0}));
  EXPECT_FALSE(Compress(kX, Cond({false, false, true}), 1).ok());  // past the end
  EXPECT_FALSE(Compress(kX, Cond({true}), 2).ok());
}

}  // namespace
}  // namespace kiln::ref
