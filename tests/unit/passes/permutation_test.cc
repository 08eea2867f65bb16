// Perm arithmetic and constant repacking of passes/layout/permutation.h, against hand-worked
// examples.
#include "passes/layout/permutation.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "ir/builder.h"
#include "ir/graph.h"

namespace kiln {
namespace {

TEST(PermutationTest, ComposeAndInvert) {
  EXPECT_EQ(ComposePerms(kNchwToNhwc, kNhwcToNchw), (Perm{0, 1, 2, 3}));
  EXPECT_EQ(ComposePerms(kNchwToNhwc, kNchwToNhwc), (Perm{0, 3, 1, 2}));
  EXPECT_EQ(InversePerm(kNchwToNhwc), kNhwcToNchw);
  EXPECT_EQ(InversePerm(Perm{2, 0, 1}), (Perm{1, 2, 0}));
  EXPECT_TRUE(IsIdentityPerm(Perm{0, 1, 2}));
  EXPECT_FALSE(IsIdentityPerm(Perm{1, 0}));
  EXPECT_EQ(PermuteShape(ir::Shape({ir::Dim::Symbol("N"), ir::Dim(3), ir::Dim(5), ir::Dim(7)}),
                         kNchwToNhwc)
                .ToString(),
            "[N,5,7,3]");
}

TEST(PermutationTest, TransposePermReadsTheAttributeOrReverses) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  ir::Value* x = g.AddInput("x", b.F32({2, 3, 4}));
  ir::AttrMap attrs;
  attrs.Set("perm", std::vector<int64_t>{1, 2, 0});
  ir::Op* t = b.CreateOp(ir::OpKind::kTranspose, {x}, {b.F32({3, 4, 2})}, attrs);
  EXPECT_EQ(TransposePerm(*t), (Perm{1, 2, 0}));
  ir::Op* reversed = b.CreateOp(ir::OpKind::kTranspose, {x}, {b.F32({4, 3, 2})});
  EXPECT_EQ(TransposePerm(*reversed), (Perm{2, 1, 0}));
  attrs.Set("perm", std::vector<int64_t>{0, 0, 1});
  ir::Op* bad = b.CreateOp(ir::OpKind::kTranspose, {x}, {b.F32({2, 2, 3})}, attrs);
  EXPECT_EQ(TransposePerm(*bad), std::nullopt);
}

TEST(PermutationTest, PermutedConstantData) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  // [2,3]: rows 0..2 and 10..12.
  ir::Value* c = b.ConstantF32({2, 3}, {0, 1, 2, 10, 11, 12}, "c");
  std::optional<std::shared_ptr<const ir::TensorData>> t = PermutedConstantData(*c, {1, 0});
  ASSERT_TRUE(t);
  std::span<const float> v = (*t)->As<float>();
  EXPECT_EQ(std::vector<float>(v.begin(), v.end()), (std::vector<float>{0, 10, 1, 11, 2, 12}));
  // Read as [1,2,3,1] (ones added) and moved NCHW -> NHWC: [1,3,1,2].
  t = PermutedConstantData(*c, {1, 2, 3, 1}, kNchwToNhwc);
  ASSERT_TRUE(t);
  v = (*t)->As<float>();
  EXPECT_EQ(std::vector<float>(v.begin(), v.end()), (std::vector<float>{0, 10, 1, 11, 2, 12}));
  // Sizes that do not hold the constant's elements, a perm of another rank.
  EXPECT_FALSE(PermutedConstantData(*c, {2, 2}, {1, 0}));
  EXPECT_FALSE(PermutedConstantData(*c, {0, 1, 2}));
}

TEST(PermutationTest, PermutedConstantDataKeepsFourBitCodesPacked) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  // i4 [2,3] = [[1,2,3],[4,5,6]], two codes a byte, low nibble first (the odd count leaves the
  // last high nibble zero).
  ir::Value* q = g.AddConstant(b.Type(ir::ScalarType::kI4, {2, 3}),
                               ir::TensorData::FromBytes({0x21, 0x43, 0x65}), "q");
  std::optional<std::shared_ptr<const ir::TensorData>> t = PermutedConstantData(*q, {1, 0});
  ASSERT_TRUE(t);
  // [[1,4],[2,5],[3,6]].
  EXPECT_EQ(std::vector<uint8_t>((*t)->bytes().begin(), (*t)->bytes().end()),
            (std::vector<uint8_t>{0x41, 0x52, 0x63}));
  ir::Value* short_data = g.AddConstant(b.Type(ir::ScalarType::kI4, {2, 3}),
                                        ir::TensorData::FromBytes({0x21, 0x43}), "short");
  EXPECT_FALSE(PermutedConstantData(*short_data, {1, 0}));
}

}  // namespace
}  // namespace kiln
