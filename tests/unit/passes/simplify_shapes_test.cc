// simplify-shapes and infer-shapes keep a graph's outputs at every batch size: the rewritten
// reshape targets hold -1 and 0 where the original computed them from a symbolic dim.
#include <gtest/gtest.h>

#include "ir/printer.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

using testing::IsIdempotent;
using testing::PreservesNumerics;

// torch's multi-head attention head split and merge: targets computed from shapes.
constexpr std::string_view kHeads = R"(
graph @heads(%x: f32[N,4,8]) -> (f32[*]) {
  %zero = const @zero : i64[]
  %one = const @one : i64[]
  %two = const @two : i64[]
  %heads = const @heads : i64[]
  %t = transpose(%x) {perm=[1,0,2]} : f32[4,N,8]
  %s = shape(%t) : i64[3]
  %d0 = gather(%s, %zero) {axis=0} : i64[]
  %d1 = gather(%s, %one) {axis=0} : i64[]
  %d2 = gather(%s, %two) {axis=0} : i64[]
  %bh = mul(%d1, %heads) : i64[]
  %hd = div(%d2, %heads) : i64[]
  %u0 = unsqueeze(%d0) {axes=[0]} : i64[1]
  %u1 = unsqueeze(%bh) {axes=[0]} : i64[1]
  %u2 = unsqueeze(%hd) {axes=[0]} : i64[1]
  %target = concat(%u0, %u1, %u2) {axis=0} : i64[3]
  %r = reshape(%t, %target) {allowzero=0} : f32[*]
  %back = transpose(%r) {perm=[1,0,2]} : f32[*]
  %nb = mul(%d0, %d1) : i64[]
  %v0 = unsqueeze(%nb) {axes=[0]} : i64[1]
  %v1 = unsqueeze(%d2) {axes=[0]} : i64[1]
  %flat_target = concat(%v0, %v1) {axis=0} : i64[2]
  %flat = reshape(%back, %flat_target) {allowzero=0} : f32[*]
  %y = relu(%flat) : f32[*]
  return %y
}
constants {
  @zero = [0]
  @one = [1]
  @two = [2]
  @heads = [2]
}
)";

TEST(SimplifyShapesTest, AttentionReshapesAtEveryBatchSize) {
  for (int64_t n : {1, 2, 5}) {
    EXPECT_TRUE(PreservesNumerics(kHeads, "fixpoint(infer-shapes,simplify-shapes,dce)",
                                  {.max_rel_error = 0, .min_cosine = 1, .dims = {{"N", n}}}))
        << "N=" << n;
  }
}

TEST(SimplifyShapesTest, RemovesTheShapeArithmeticAndKeepsTheBatchSymbol) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = testing::ParseOrDie(kHeads, ctx);
  ASSERT_TRUE(g);
  ASSERT_TRUE(testing::RunPipelineOn(*g, "fixpoint(infer-shapes,simplify-shapes,dce)").ok());
  std::string text = ir::PrintGraph(*g);
  EXPECT_EQ(text.find(" = shape("), std::string::npos) << text;
  EXPECT_EQ(text.find("gather("), std::string::npos) << text;
  EXPECT_EQ(text.find("concat("), std::string::npos) << text;
  EXPECT_NE(text.find("relu(%flat) : f32[?,8]"), std::string::npos) << text;
  EXPECT_NE(text.find("%back = transpose(%r) {perm=[1,0,2]} : f32[?,4,4]"), std::string::npos)
      << text;
}

TEST(SimplifyShapesTest, Idempotent) {
  EXPECT_TRUE(IsIdempotent(kHeads, "simplify-shapes"));
  EXPECT_TRUE(IsIdempotent(kHeads, "infer-shapes"));
  EXPECT_TRUE(IsIdempotent(kHeads, "fixpoint(infer-shapes,simplify-shapes,dce)"));
}

// Slices whose bounds come from a static dim, feeding a computed reshape that copies dims.
constexpr std::string_view kCopyDims = R"(
graph @copy(%x: f32[N,S,12]) -> (f32[*]) {
  %last = const @last : i64[1]
  %zero = const @zero : i64[1]
  %three = const @three : i64[1]
  %s = shape(%x) : i64[3]
  %width = gather(%s, %last) {axis=0} : i64[1]
  %third = div(%width, %three) : i64[1]
  %part = slice(%x, %zero, %third, %last) : f32[*]
  %ns = shape(%x) {end=2} : i64[2]
  %split = const @split : i64[2]
  %target = concat(%ns, %split) {axis=0} : i64[4]
  %r = reshape(%part, %target) {allowzero=0} : f32[*]
  return %r
}
constants {
  @last = [-1]
  @zero = [0]
  @three = [3]
  @split = [2, 2]
}
)";

TEST(SimplifyShapesTest, TwoSymbolicDimsSurviveAsCopies) {
  EXPECT_TRUE(
      PreservesNumerics(kCopyDims, "fixpoint(infer-shapes,simplify-shapes,dce)",
                        {.max_rel_error = 0, .min_cosine = 1, .dims = {{"N", 3}, {"S", 2}}}));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = testing::ParseOrDie(kCopyDims, ctx);
  ASSERT_TRUE(g);
  ASSERT_TRUE(testing::RunPipelineOn(*g, "fixpoint(infer-shapes,simplify-shapes,dce)").ok());
  std::string text = ir::PrintGraph(*g);
  EXPECT_NE(text.find("f32[N,S,2,2]"), std::string::npos) << text;
  EXPECT_NE(text.find("[0, 0, 2, 2]"), std::string::npos) << text;
  EXPECT_EQ(text.find(" = shape("), std::string::npos) << text;
}

}  // namespace
}  // namespace kiln
