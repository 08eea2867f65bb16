#include "tools/kiln/tensor_npy.h"

#include <gtest/gtest.h>

#include <cstring>

namespace kiln::cli {
namespace {

using rt::DType;
using rt::NpyDType;

rt::NpyArray Array(NpyDType dtype, std::vector<int64_t> shape, std::vector<uint8_t> data) {
  rt::NpyArray a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  a.data = std::move(data);
  return a;
}

TEST(TensorNpyTest, RoundTripsI32) {
  std::vector<uint8_t> bytes(8);
  int32_t v[2] = {-7, 123456};
  std::memcpy(bytes.data(), v, 8);
  Expected<ref::Tensor> t = TensorFromNpy(Array(NpyDType::kI32, {2, 1}, bytes), "x.npy");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->dtype(), DType::kI32);
  EXPECT_EQ(t->shape(), (ref::Shape{2, 1}));
  EXPECT_EQ(t->data<int32_t>()[1], 123456);
  rt::NpyArray back = NpyFromTensor(*t);
  EXPECT_EQ(back.dtype, NpyDType::kI32);
  EXPECT_EQ(back.shape, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(back.data, bytes);
}

TEST(TensorNpyTest, KeepsF64AndU64) {
  std::vector<uint8_t> bytes(16);
  double d = -1.5;
  uint64_t u = 0xFFFFFFFFFFFFFFFFull;
  std::memcpy(bytes.data(), &d, 8);
  std::memcpy(bytes.data() + 8, &u, 8);
  Expected<ref::Tensor> f = TensorFromNpy(Array(NpyDType::kF64, {2}, bytes), "x.npy");
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(f->dtype(), DType::kF64);
  EXPECT_EQ(f->data<double>()[0], -1.5);
  Expected<ref::Tensor> g =
      TensorFromNpy(Array(NpyDType::kU64, {1}, {bytes.begin() + 8, bytes.end()}), "y.npy");
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_EQ(g->data<uint64_t>()[0], u);
  EXPECT_EQ(NpyFromTensor(*g).dtype, NpyDType::kU64);
}

TEST(TensorNpyTest, RejectsAnArrayTooLargeToAllocate) {
  rt::NpyArray a = Array(NpyDType::kF32, {int64_t{1} << 40, 1 << 20}, {});
  Expected<ref::Tensor> t = TensorFromNpy(a, "'big.npy'");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().message().rfind("'big.npy': ", 0), 0u) << t.error().message();
}

TEST(TensorNpyTest, WidensBf16ToF32) {
  ref::Tensor t = ref::Tensor::FromVector<uint16_t>(DType::kBF16, {2}, {0x3F80, 0xC000});
  rt::NpyArray a = NpyFromTensor(t);
  ASSERT_EQ(a.dtype, NpyDType::kF32);
  float f[2];
  std::memcpy(f, a.data.data(), 8);
  EXPECT_EQ(f[0], 1.0f);
  EXPECT_EQ(f[1], -2.0f);
}

TEST(TensorNpyTest, UnpacksI4WithSignExtension) {
  // Elements 7, -8, 1 packed low nibble first: 0x87, 0x01.
  ref::Tensor t = ref::Tensor::FromVector<uint8_t>(DType::kI4, {3}, {0x87, 0x01});
  rt::NpyArray a = NpyFromTensor(t);
  ASSERT_EQ(a.dtype, NpyDType::kI8);
  EXPECT_EQ(a.data, (std::vector<uint8_t>{7, 0xF8, 1}));
}

}  // namespace
}  // namespace kiln::cli
