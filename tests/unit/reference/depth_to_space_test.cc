#include "runtime/reference/kernels/depth_to_space.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

// ONNX's documented example: [1,8,2,3] with x[0,c,h,w] = 9c + 3h + w, blocksize 2.
Tensor OnnxInput() {
  std::vector<int32_t> v;
  for (int c = 0; c < 8; ++c)
    for (int h = 0; h < 2; ++h)
      for (int w = 0; w < 3; ++w) v.push_back(9 * c + 3 * h + w);
  return Tensor::FromVector<int32_t>(DType::kI32, {1, 8, 2, 3}, v);
}

TEST(DepthToSpaceTest, OnnxDcrExample) {
  rt::Result<Tensor> y = DepthToSpace(OnnxInput(), 2, DepthToSpaceMode::kDcr);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{1, 2, 4, 6}));
  EXPECT_EQ(Values<int32_t>(*y),
            (std::vector<int32_t>{0,  18, 1,  19, 2,  20, 36, 54, 37, 55, 38, 56, 3,  21, 4,  22,
                                  5,  23, 39, 57, 40, 58, 41, 59, 9,  27, 10, 28, 11, 29, 45, 63,
                                  46, 64, 47, 65, 12, 30, 13, 31, 14, 32, 48, 66, 49, 67, 50, 68}));
}

TEST(DepthToSpaceTest, OnnxCrdExample) {
  rt::Result<Tensor> y = DepthToSpace(OnnxInput(), 2, *ParseDepthToSpaceMode("CRD"));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int32_t>(*y),
            (std::vector<int32_t>{0,  9,  1,  10, 2,  11, 18, 27, 19, 28, 20, 29, 3,  12, 4,  13,
                                  5,  14, 21, 30, 22, 31, 23, 32, 36, 45, 37, 46, 38, 47, 54, 63,
                                  55, 64, 56, 65, 39, 48, 40, 49, 41, 50, 57, 66, 58, 67, 59, 68}));
}

TEST(DepthToSpaceTest, SpaceToDepthInvertsDcr) {
  Tensor x = OnnxInput();
  rt::Result<Tensor> y = DepthToSpace(x, 2, DepthToSpaceMode::kDcr);
  ASSERT_TRUE(y.ok());
  rt::Result<Tensor> z = SpaceToDepth(*y, 2);
  ASSERT_TRUE(z.ok()) << z.status().message();
  EXPECT_EQ(z->shape(), x.shape());
  EXPECT_EQ(Values<int32_t>(*z), Values<int32_t>(x));
}

TEST(DepthToSpaceTest, Errors) {
  EXPECT_FALSE(DepthToSpace(OnnxInput(), 3, DepthToSpaceMode::kDcr).ok());
  EXPECT_FALSE(SpaceToDepth(OnnxInput(), 2).ok());  // width 3 is not a multiple of 2
  EXPECT_FALSE(DepthToSpace(OnnxInput(), 0, DepthToSpaceMode::kDcr).ok());
  EXPECT_FALSE(ParseDepthToSpaceMode("RCD").ok());
  Tensor flat = Tensor::FromVector<float>(DType::kF32, {4}, {1, 2, 3, 4});
  EXPECT_FALSE(SpaceToDepth(flat, 2).ok());
}

}  // namespace
}  // namespace kiln::ref
