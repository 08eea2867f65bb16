// eliminate-noops: the rewritten graphs compute exactly what the originals did (numerics on
// the reference runtime), a second run changes nothing, and the statistics name each kind.
#include "passes/cleanup/eliminate_noops.h"

#include <gtest/gtest.h>

#include "ir/printer.h"
#include "ir/verifier.h"
#include "passes/pass_context.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

using testing::IsIdempotent;
using testing::ParseOrDie;
using testing::PreservesNumerics;

// One of each removable op, and their neighbours that must stay.
constexpr std::string_view kNoOps = R"(
graph @noops(%x: f32[N,3,4], %mode: bool[]) -> (f32[N,3,4], f32[N,3,4], f32[N,3,4], f32[N,3,4], f32[N,3,4], f32[N,3,4], f32[N,3,4], f32[N,3,4], f32[N,3,4], f32[N,3,4], f32[N,3,5]) {
  %w = const @w : f32[4]
  %same = const @same : i64[3]
  %ones = const @ones : i64[3]
  %zeros = const @zeros : i64[6]
  %off = const @off : bool[]
  %start = const @start : i64[2]
  %end = const @end : i64[2]
  %axes = const @axes : i64[2]
  %pads = const @pads : i64[2]
  %last = const @last : i64[1]
  %wi = identity(%w) : f32[4]
  %i = identity(%x) : f32[N,3,4]
  %a = add(%i, %wi) : f32[N,3,4]
  %d = dropout(%a, _, %off) : f32[N,3,4]
  %t = dropout(%a, _, %mode) : f32[N,3,4]
  %c = cast(%d) : f32[N,3,4]
  %r = reshape(%c, %same) : f32[N,3,4]
  %e = expand(%r, %ones) : f32[N,3,4]
  %p = pad(%e, %zeros) {mode="edge"} : f32[N,3,4]
  %k = concat(%p) {axis=2} : f32[N,3,4]
  %s = slice(%k, %start, %end, %axes) : f32[N,3,4]
  %kept = pad(%s, %pads, _, %last) : f32[N,3,5]
  return %s, %i, %d, %c, %r, %e, %p, %k, %a, %t, %kept
}
constants {
  @w = [1.0, -2.0, 3.0, 0.5]
  @same = [0, 3, 4]
  @ones = [1, 1, 1]
  @zeros = [0, 0, 0, 0, 0, 0]
  @off = [0]
  @start = [0, -9]
  @end = [9223372036854775807, 4]
  @axes = [0, 2]
  @pads = [1, 0]
  @last = [-1]
}
)";

// Transpose pairs that compose, cancel, share their inner op, or reverse with absent perms.
constexpr std::string_view kTransposes = R"(
graph @transposes(%x: f32[2,3,4], %y: f32[N,5]) -> (f32[2,3,4], f32[4,3,2], f32[3,4,2], f32[3,2,4], f32[N,5], f32[5,N]) {
  %t1 = transpose(%x) {perm=[1,2,0]} : f32[3,4,2]
  %a = transpose(%t1) {perm=[2,0,1]} : f32[2,3,4]
  %b = transpose(%t1) {perm=[1,0,2]} : f32[4,3,2]
  %t3 = transpose(%x) : f32[4,3,2]
  %c = transpose(%t3) {perm=[1,2,0]} : f32[3,2,4]
  %u = transpose(%y) : f32[5,N]
  %v = transpose(%u) : f32[N,5]
  %w = transpose(%v) {perm=[1,0]} : f32[5,N]
  return %a, %b, %t1, %c, %v, %w
}
)";

// Squeeze/unsqueeze pairs with negative axes, and a squeeze without axes of a static tensor.
constexpr std::string_view kSqueezes = R"(
graph @squeezes(%x: f32[N,3], %y: f32[2,1,3,1], %z: f32[2,3]) -> (f32[N,3], f32[2,1,3,1], f32[2,3], f32[1,2,3]) {
  %u1 = unsqueeze(%x) {axes=[-1, 0]} : f32[1,N,3,1]
  %a = squeeze(%u1) {axes=[3, -4]} : f32[N,3]
  %s = squeeze(%y) {axes=[-1, 1]} : f32[2,3]
  %b = unsqueeze(%s) {axes=[3, 1]} : f32[2,1,3,1]
  %v = unsqueeze(%z) {axes=[0, 2]} : f32[1,2,1,3]
  %c = squeeze(%v) : f32[2,3]
  %d = squeeze(%v) {axes=[2]} : f32[1,2,3]
  return %a, %b, %c, %d
}
)";

// torch's flatten-then-view: reshape of reshape, one back to the input's shape.
constexpr std::string_view kReshapes = R"(
graph @reshapes(%x: f32[N,6]) -> (f32[N,6], f32[N,2,3], f32[N,3,2]) {
  %flat = const @flat : i64[1]
  %back = const @back : i64[2]
  %split = const @split : i64[3]
  %copy = const @copy : i64[3]
  %r = reshape(%x, %flat) : f32[?]
  %a = reshape(%r, %back) : f32[N,6]
  %b = reshape(%r, %split) : f32[N,2,3]
  %c = reshape(%b, %copy) : f32[N,3,2]
  return %a, %b, %c
}
constants {
  @flat = [-1]
  @back = [-1, 6]
  @split = [-1, 2, 3]
  @copy = [0, 3, 2]
}
)";

TEST(EliminateNoOpsTest, PreservesNumerics) {
  for (std::string_view kir : {kNoOps, kTransposes, kSqueezes, kReshapes}) {
    for (int64_t n : {1, 3}) {
      const testing::NumericsOptions o = {.max_rel_error = 0, .min_cosine = 1, .dims = {{"N", n}}};
      EXPECT_TRUE(PreservesNumerics(kir, "eliminate-noops", o)) << kir.substr(0, 30);
      EXPECT_TRUE(PreservesNumerics(kir, "eliminate-noops,dce", o)) << kir.substr(0, 30);
    }
  }
}

TEST(EliminateNoOpsTest, IsIdempotent) {
  for (std::string_view kir : {kNoOps, kTransposes, kSqueezes, kReshapes}) {
    EXPECT_TRUE(IsIdempotent(kir, "eliminate-noops")) << kir.substr(0, 30);
    EXPECT_TRUE(IsIdempotent(kir, "eliminate-noops,dce")) << kir.substr(0, 30);
  }
}

class EliminateNoOpsGraphTest : public ::testing::Test {
 protected:
  // Parses `kir`, runs the pass once (checking the result verifies and a second run changes
  // nothing) and returns the graph.
  ir::Graph& Run(std::string_view kir) {
    graph_ = ParseOrDie(kir, ctx_);
    pc_.SetCurrentPass(pass_.name());
    changed_ = pass_.run(*graph_, pc_).changed();
    Status s = ir::VerifyGraph(*graph_);
    EXPECT_TRUE(s.ok()) << s.message();
    PassContext again;
    again.SetCurrentPass(pass_.name());
    EXPECT_FALSE(pass_.run(*graph_, again).changed()) << ir::PrintGraph(*graph_);
    return *graph_;
  }
  int64_t Stat(std::string_view name) const { return pc_.GetStatistic("eliminate-noops", name); }

  ir::Context ctx_;
  std::unique_ptr<ir::Graph> graph_;
  EliminateNoOpsPass pass_;
  PassContext pc_;
  bool changed_ = false;
};

TEST_F(EliminateNoOpsGraphTest, CountsEachKindAndKeepsOutputNames) {
  ir::Graph& g = Run(kNoOps);
  EXPECT_TRUE(changed_);
  EXPECT_EQ(Stat("identity-removed"), 2);
  EXPECT_EQ(Stat("dropout-removed"), 1);
  EXPECT_EQ(Stat("cast-removed"), 1);
  EXPECT_EQ(Stat("reshape-removed"), 1);
  EXPECT_EQ(Stat("expand-removed"), 1);
  EXPECT_EQ(Stat("pad-removed"), 1);
  EXPECT_EQ(Stat("concat-removed"), 1);
  EXPECT_EQ(Stat("slice-removed"), 1);
  // add, the dropout in an unknown mode, and the pad that pads.
  EXPECT_EQ(g.num_ops(), 3u);
  ASSERT_EQ(g.num_outputs(), 11);
  EXPECT_EQ(g.output(0)->producer()->kind(), ir::OpKind::kAdd);
  EXPECT_EQ(g.output(1), g.input(0));
  EXPECT_EQ(g.output_name(0), "s");
  EXPECT_EQ(g.output_name(1), "i");
  EXPECT_EQ(g.output(9)->producer()->kind(), ir::OpKind::kDropout);
  EXPECT_EQ(g.output(10)->producer()->kind(), ir::OpKind::kPad);
  // The shared weight's identity went: add reads the constant.
  EXPECT_TRUE(g.output(0)->producer()->operand(1)->is_constant());
}

TEST_F(EliminateNoOpsGraphTest, MergesTransposesAndKeepsSharedInnerOnes) {
  ir::Graph& g = Run(kTransposes);
  // a cancels; b and c compose; v cancels (absent perms on a symbolic shape); w then stands
  // on its own.
  EXPECT_EQ(Stat("transposes-merged"), 4);
  EXPECT_EQ(Stat("transpose-removed"), 2);
  EXPECT_EQ(g.output(0), g.input(0));
  EXPECT_EQ(g.output(4), g.input(1));
  ir::Op* b = g.output(1)->producer();
  EXPECT_EQ(b->operand(0), g.input(0));
  EXPECT_EQ(b->attrs().GetInts("perm"), (std::vector<int64_t>{2, 1, 0}));
  ir::Op* c = g.output(3)->producer();
  EXPECT_EQ(c->operand(0), g.input(0));
  EXPECT_EQ(c->attrs().GetInts("perm"), (std::vector<int64_t>{1, 0, 2}));
  // t1 is still an output; the other inner transposes are dead, left for dce.
  EXPECT_EQ(g.output(2)->producer()->operand(0), g.input(0));
  EXPECT_EQ(g.output(5)->producer()->operand(0), g.input(1));
}

TEST_F(EliminateNoOpsGraphTest, SqueezePairs) {
  ir::Graph& g = Run(kSqueezes);
  EXPECT_EQ(Stat("squeeze-removed"), 2);
  EXPECT_EQ(Stat("unsqueeze-removed"), 1);
  EXPECT_EQ(g.output(0), g.input(0));
  EXPECT_EQ(g.output(1), g.input(1));
  EXPECT_EQ(g.output(2), g.input(2));
  EXPECT_EQ(g.output(3)->producer()->kind(), ir::OpKind::kSqueeze);
}

TEST_F(EliminateNoOpsGraphTest, ReshapeChains) {
  ir::Graph& g = Run(kReshapes);
  EXPECT_EQ(Stat("reshapes-merged"), 2);
  EXPECT_EQ(Stat("reshape-removed"), 1);
  EXPECT_EQ(g.output(0), g.input(0));
  EXPECT_EQ(g.output(1)->producer()->operand(0), g.input(0));
  // The target [0, 3, 2] copies a dim of b: c still reads b.
  EXPECT_EQ(g.output(2)->producer()->operand(0), g.output(1));
}

TEST_F(EliminateNoOpsGraphTest, OddInputIsLeftAlone) {
  // Unranked and unknown shapes, transposes of unknown rank, an unsqueeze of unknown rank,
  // a cast between quantizations, a slice with a non-constant start.
  ir::Graph& g = Run(R"(
graph @odd(%x: f32[*], %u: f32[?,3], %q: i8<per_tensor scale=0.5>[4], %b: i64[1]) -> (f32[*], f32[*], f32[*], f32[?,3], i8<per_tensor scale=0.25>[4], f32[?,3], f32[*]) {
  %s = const @s : i64[2]
  %e = const @e : i64[1]
  %a = reshape(%x, %s) : f32[*]
  %t = transpose(%x) : f32[*]
  %t2 = transpose(%t) : f32[*]
  %r = reshape(%u, %s) : f32[?,3]
  %c = cast(%q) : i8<per_tensor scale=0.25>[4]
  %sl = slice(%u, %b, %e) : f32[?,3]
  %un = unsqueeze(%x) {axes=[0]} : f32[*]
  %sq = squeeze(%un) {axes=[0]} : f32[*]
  return %a, %t2, %sq, %r, %c, %sl, %t
}
constants {
  @s = [-1, 3]
  @e = [9223372036854775807]
}
)");
  EXPECT_FALSE(changed_);
  EXPECT_EQ(g.num_ops(), 8u);
}

TEST_F(EliminateNoOpsGraphTest, UnknownRankSqueezePairStillKnowsItsRank) {
  // The unsqueeze result is unranked, but x's rank plus the added axes gives it.
  ir::Graph& g = Run(R"(
graph @rank(%x: f32[N,3]) -> (f32[*]) {
  %un = unsqueeze(%x) {axes=[0]} : f32[*]
  %sq = squeeze(%un) {axes=[-3]} : f32[*]
  return %sq
}
)");
  EXPECT_EQ(g.output(0), g.input(0));
}

}  // namespace
}  // namespace kiln
