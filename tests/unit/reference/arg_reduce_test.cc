#include "runtime/reference/kernels/arg_reduce.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

using ::testing::ElementsAreArray;

std::vector<int64_t> Values(const Tensor& t) {
  return std::vector<int64_t>(t.data<int64_t>(), t.data<int64_t>() + t.num_elements());
}

TEST(ArgReduceTest, FirstOrLastOfTies) {
  // ONNX test_argmax_keepdims_example / _select_last_index: [[2, 2], [3, 10]].
  Tensor x = Tensor::FromVector(DType::kF32, {2, 2}, std::vector<float>{2, 2, 3, 10});
  ArgReduceParams p{.axis = 1, .keepdims = true};
  rt::Result<Tensor> y = ArgReduce(x, true, p);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->dtype(), DType::kI64);
  EXPECT_EQ(y->shape(), (Shape{2, 1}));
  EXPECT_THAT(Values(*y), ElementsAreArray({0, 1}));
  p.select_last_index = true;
  y = ArgReduce(x, true, p);
  ASSERT_TRUE(y.ok());
  EXPECT_THAT(Values(*y), ElementsAreArray({1, 1}));
  y = ArgReduce(x, false, p);
  ASSERT_TRUE(y.ok());
  EXPECT_THAT(Values(*y), ElementsAreArray({1, 0}));
}

TEST(ArgReduceTest, AxesAndKeepdims) {
  Tensor x = Tensor::FromVector(DType::kI32, {2, 3, 2},
                                std::vector<int32_t>{1, 9, 5, 2, 3, 4, 8, 0, 7, 6, -1, 11});
  ArgReduceParams p{.axis = -2, .keepdims = false};
  rt::Result<Tensor> y = ArgReduce(x, true, p);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{2, 2}));
  EXPECT_THAT(Values(*y), ElementsAreArray({1, 0, 0, 2}));
  p.axis = 0;
  y = ArgReduce(x, false, p);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{3, 2}));
  EXPECT_THAT(Values(*y), ElementsAreArray({0, 1, 0, 0, 1, 0}));
  p.axis = 3;
  EXPECT_FALSE(ArgReduce(x, true, p).ok());
}

}  // namespace
}  // namespace kiln::ref
