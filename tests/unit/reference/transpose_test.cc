#include "runtime/reference/kernels/transpose.h"

#include <gtest/gtest.h>

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

TEST(TransposeTest, DefaultPermReversesDims) {
  rt::Result<Tensor> y = Transpose(Iota({2, 3}), {});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{3, 2}));
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{0, 3, 1, 4, 2, 5}));
}

TEST(TransposeTest, NchwToNhwcMatchesIndexFormula) {
  Tensor x = Iota({2, 3, 4, 5});
  rt::Result<Tensor> y = Transpose(x, std::vector<int64_t>{0, 2, 3, 1});
  ASSERT_TRUE(y.ok());
  ASSERT_EQ(y->shape(), (Shape{2, 4, 5, 3}));
  const int32_t* p = y->data<int32_t>();
  for (int n = 0; n < 2; ++n)
    for (int h = 0; h < 4; ++h)
      for (int w = 0; w < 5; ++w)
        for (int c = 0; c < 3; ++c) {
          EXPECT_EQ(p[((n * 4 + h) * 5 + w) * 3 + c], ((n * 3 + c) * 4 + h) * 5 + w);
        }
}

TEST(TransposeTest, NegativePermEntriesAndOtherElementSizes) {
  Tensor x = Tensor::FromVector<int64_t>(DType::kI64, {2, 2}, {1, 2, 3, 4});
  rt::Result<Tensor> y = Transpose(x, std::vector<int64_t>{-1, 0});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int64_t>(*y), (std::vector<int64_t>{1, 3, 2, 4}));
}

TEST(TransposeTest, BadPermIsAnError) {
  EXPECT_FALSE(Transpose(Iota({2, 3}), std::vector<int64_t>{0}).ok());
  EXPECT_FALSE(Transpose(Iota({2, 3}), std::vector<int64_t>{0, 0}).ok());
  EXPECT_FALSE(Transpose(Iota({2, 3}), std::vector<int64_t>{0, 2}).ok());
  Tensor packed = Tensor::Borrow(DType::kI4, {2, 2}, "\x12\x34", nullptr);
  EXPECT_FALSE(Transpose(packed, {}).ok());
}

}  // namespace
}  // namespace kiln::ref
