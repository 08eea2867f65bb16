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

TEST(TensorNpyTest, RejectsDtypesKilnHasNoTensorTypeFor) {
  Expected<ref::Tensor> t =
      TensorFromNpy(Array(NpyDType::kF64, {1}, std::vector<uint8_t>(8)), "'x.npy'");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().message(),
            "'x.npy': dtype f64 is not supported (Kiln tensors are f32, f16, i8, u8, i16, i32, "
            "i64 or bool)");
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
