#include "passes/patterns/recognize_silu.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

using testing::IsIdempotent;
using testing::ParseOrDie;
using testing::PreservesNumerics;
using testing::RunPipelineOn;

TEST(RecognizeSiluTest, BothOperandOrders) {
  const std::string kir =
      "graph @g(%x: f32[N,4,8]) -> (f32[N,4,8]) {\n"
      "  %s1 = sigmoid(%x) : f32[N,4,8]\n"
      "  %y1 = mul(%x, %s1) : f32[N,4,8]\n"
      "  %s2 = sigmoid(%y1) : f32[N,4,8]\n"
      "  %y2 = mul(%s2, %y1) : f32[N,4,8]\n"
      "  return %y2\n}\n";
  EXPECT_TRUE(PreservesNumerics(kir, "recognize-silu"));
  EXPECT_TRUE(PreservesNumerics(kir, "recognize-silu", {.dims = {{"N", 3}}}));
  EXPECT_TRUE(IsIdempotent(kir, "recognize-silu"));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(RunPipelineOn(*g, "recognize-silu").ok());
  ASSERT_EQ(g->num_ops(), 2u);
  for (const ir::Op* op : g->ops()) EXPECT_EQ(op->kind(), ir::OpKind::kSilu);
  EXPECT_EQ(g->output(0)->name(), "y2");
}

TEST(RecognizeSiluTest, SigmoidWithAnotherUserIsLeft) {
  const std::string kir =
      "graph @g(%x: f32[N,8]) -> (f32[N,8], f32[N,8]) {\n"
      "  %s = sigmoid(%x) : f32[N,8]\n"
      "  %y = mul(%x, %s) : f32[N,8]\n"
      "  %z = neg(%s) : f32[N,8]\n"
      "  return %y, %z\n}\n";
  EXPECT_TRUE(PreservesNumerics(kir, "recognize-silu", {.expect_change = false}));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(RunPipelineOn(*g, "recognize-silu").ok());
  EXPECT_EQ(g->num_ops(), 3u);
}

// The condition is true, so the rewritten branch is the one that runs.
TEST(RecognizeSiluTest, InsideARegion) {
  const std::string kir =
      "graph @g(%x: f32[N,8]) -> (f32[N,8]) {\n"
      "  %c = const @c : bool[]\n"
      "  %y = if(%c) : f32[N,8] {\n"
      "    graph @then() -> (f32[N,8]) {\n"
      "      %s = sigmoid(%x) : f32[N,8]\n"
      "      %t = mul(%s, %x) : f32[N,8]\n"
      "      return %t\n    }\n"
      "    graph @else() -> (f32[N,8]) {\n      return %x\n    }\n"
      "  }\n  return %y\n}\nconstants {\n  @c = [1]\n}\n";
  EXPECT_TRUE(PreservesNumerics(kir, "recognize-silu"));
  EXPECT_TRUE(IsIdempotent(kir, "recognize-silu"));
}

}  // namespace
}  // namespace kiln
