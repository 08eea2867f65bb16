#include "runtime/reference/kernels/gather_nd.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

// ONNX's documented examples.
TEST(GatherNDTest, FullTuplesPickElements) {
  Tensor data = Tensor::FromVector<int32_t>(DType::kI32, {2, 2}, {0, 1, 2, 3});
  Tensor idx = Tensor::FromVector<int64_t>(DType::kI64, {2, 2}, {0, 0, 1, 1});
  rt::Result<Tensor> y = GatherND(data, idx, 0);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{2}));
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{0, 3}));
}

TEST(GatherNDTest, ShortTuplesPickSlicesAndNegativeIndicesCountFromTheEnd) {
  Tensor data = Tensor::FromVector<float>(DType::kF32, {2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
  Tensor idx = Tensor::FromVector<int64_t>(DType::kI64, {2, 1, 2}, {0, 1, -1, 0});
  rt::Result<Tensor> y = GatherND(data, idx, 0);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{2, 1, 2}));
  EXPECT_EQ(Values<float>(*y), (std::vector<float>{2, 3, 4, 5}));
}

// With batch_dims b, out[n, j] = data[n, idx[n, j, 0], idx[n, j, 1]], checked element by
// element against that formula.
TEST(GatherNDTest, BatchDimsIndexWithinEachBatch) {
  Shape dshape{3, 4, 5};
  std::vector<int32_t> d(60);
  std::iota(d.begin(), d.end(), 100);
  Tensor data = Tensor::FromVector<int32_t>(DType::kI32, dshape, d);
  std::vector<int32_t> id = {0, 1, 3, 4, 2, 2, 1, 0, -1, -1, 3, 0};
  Tensor idx = Tensor::FromVector<int32_t>(DType::kI32, {3, 2, 2}, id);
  rt::Result<Tensor> y = GatherND(data, idx, 1);
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->shape(), (Shape{3, 2}));
  for (int n = 0; n < 3; ++n) {
    for (int j = 0; j < 2; ++j) {
      int r = id[(n * 2 + j) * 2];
      int c = id[(n * 2 + j) * 2 + 1];
      r = r < 0 ? r + 4 : r;
      c = c < 0 ? c + 5 : c;
      EXPECT_EQ(y->data<int32_t>()[n * 2 + j], d[(n * 4 + r) * 5 + c]) << n << "," << j;
    }
  }
}

TEST(GatherNDTest, NoTuplesGiveAnEmptyResult) {
  Tensor data = Tensor::FromVector<float>(DType::kF32, {2, 3}, {1, 2, 3, 4, 5, 6});
  rt::Result<Tensor> y = GatherND(data, *Tensor::Empty(DType::kI64, {0, 1}), 0);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{0, 3}));
}

TEST(GatherNDTest, Errors) {
  Tensor data = Tensor::FromVector<float>(DType::kF32, {2, 2}, {1, 2, 3, 4});
  auto idx = [](Shape s, std::vector<int64_t> v) {
    return Tensor::FromVector<int64_t>(DType::kI64, std::move(s), v);
  };
  EXPECT_FALSE(GatherND(data, idx({1, 3}, {0, 0, 0}), 0).ok());  // tuple too long
  EXPECT_FALSE(GatherND(data, idx({1, 1}, {2}), 0).ok());        // out of range
  EXPECT_FALSE(GatherND(data, idx({3, 1}, {0, 0, 0}), 1).ok());  // batch dims differ
  EXPECT_FALSE(GatherND(data, idx({2, 1}, {0, 0}), 2).ok());     // batch_dims too large
}

}  // namespace
}  // namespace kiln::ref
