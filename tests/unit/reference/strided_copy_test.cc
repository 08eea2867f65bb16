#include "runtime/reference/kernels/strided_copy.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace kiln::ref {
namespace {

TEST(StridedCopyTest, DenseStridesAreRowMajor) {
  EXPECT_EQ(DenseStrides({2, 3, 4}), (std::vector<int64_t>{12, 4, 1}));
  EXPECT_EQ(DenseStrides({}), (std::vector<int64_t>{}));
}

TEST(StridedCopyTest, TransposesWithSwappedStrides) {
  std::vector<int32_t> src = {1, 2, 3, 4, 5, 6};  // [2,3]
  std::vector<int32_t> dst(6, 0);
  CopyStrided(4, {3, 2}, src.data(), std::vector<int64_t>{1, 3}, dst.data(), DenseStrides({3, 2}));
  EXPECT_EQ(dst, (std::vector<int32_t>{1, 4, 2, 5, 3, 6}));
}

TEST(StridedCopyTest, NegativeAndZeroStrides) {
  std::vector<uint8_t> src = {10, 20, 30};
  std::vector<uint8_t> dst(6, 0);
  // Rows repeat (stride 0); columns run backwards from the last element.
  CopyStrided(1, {2, 3}, src.data() + 2, std::vector<int64_t>{0, -1}, dst.data(),
              DenseStrides({2, 3}));
  EXPECT_EQ(dst, (std::vector<uint8_t>{30, 20, 10, 30, 20, 10}));
}

TEST(StridedCopyTest, OddElementSizeAndScalar) {
  // 3-byte elements go through the generic path.
  std::vector<uint8_t> src = {1, 2, 3, 4, 5, 6};
  std::vector<uint8_t> dst(6, 0);
  CopyStrided(3, {2}, src.data() + 3, std::vector<int64_t>{-1}, dst.data(),
              std::vector<int64_t>{1});
  EXPECT_EQ(dst, (std::vector<uint8_t>{4, 5, 6, 1, 2, 3}));
  int64_t a = 7, b = 0;
  CopyStrided(8, {}, &a, {}, &b, {});
  EXPECT_EQ(b, 7);
}

TEST(StridedCopyTest, EmptyShapeCopiesNothing) {
  int32_t dst = 5;
  CopyStrided(4, {0, 3}, nullptr, std::vector<int64_t>{3, 1}, &dst, std::vector<int64_t>{3, 1});
  EXPECT_EQ(dst, 5);
}

TEST(StridedCopyTest, ElementBytesRejectsSubByteTypes) {
  EXPECT_EQ(*ElementBytes(DType::kF32, "x"), 4);
  EXPECT_EQ(*ElementBytes(DType::kBool, "x"), 1);
  rt::Result<int> r = ElementBytes(DType::kI4, "transpose");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("transpose"), std::string::npos);
}

}  // namespace
}  // namespace kiln::ref
