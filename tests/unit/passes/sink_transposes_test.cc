// `sink-transposes`: each rewrite on its own (structure and numbers), then whole chains after
// `channels-last` modelled on real CNNs, where one transpose must be left at the input.
#include "passes/layout/sink_transposes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/layout.h"
#include "passes/match.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

using testing::IsIdempotent;
using testing::Kinds;
using testing::KindsAfter;
using testing::ParseOrDie;
using testing::PreservesNumerics;
using testing::RunPipelineOn;
using testing::Values;

constexpr std::string_view kSink = "sink-transposes";
// What a target runs after channels-last (the registered pipeline `nhwc`).
constexpr std::string_view kNhwc =
    "infer-shapes,channels-last,fixpoint(sink-transposes,eliminate-noops,infer-shapes,cse,dce)";

// `kir` after `pipeline` (null when it fails, with the test failed).
std::unique_ptr<ir::Graph> After(std::string_view kir, std::string_view pipeline,
                                 ir::Context& ctx) {
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  if (!g) return nullptr;
  Status s = RunPipelineOn(*g, pipeline);
  EXPECT_TRUE(s.ok()) << s.message();
  return s.ok() ? std::move(g) : nullptr;
}

int Count(const Kinds& kinds, std::string_view kind) {
  return static_cast<int>(std::count(kinds.begin(), kinds.end(), kind));
}

// The rewrite changes the graph, keeps its numbers, and a second run changes nothing.
void ExpectSound(const std::string& kir, std::string_view pipeline = kSink) {
  EXPECT_TRUE(PreservesNumerics(kir, pipeline, {.dims = {{"N", 3}}})) << kir;
  EXPECT_TRUE(IsIdempotent(kir, pipeline)) << kir;
}

void ExpectUnchanged(const std::string& kir) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(g);
  const std::string before = ir::PrintGraph(*g);
  ASSERT_TRUE(RunPipelineOn(*g, kSink).ok());
  EXPECT_EQ(ir::PrintGraph(*g), before);
}

TEST(SinkTransposesTest, MergesAndCancelsTransposePairs) {
  const std::string kir =
      "graph @g(%x: f32[N,2,3,4]) -> (f32[N,4,2,3], f32[N,2,3,4]) {\n"
      "  %a = transpose(%x) {perm=[0,2,3,1]} : f32[N,3,4,2]\n"
      "  %b = transpose(%a) {perm=[0,3,1,2]} : f32[N,2,3,4]\n"
      "  %c = transpose(%a) {perm=[0,2,3,1]} : f32[N,4,2,3]\n"
      "  return %c, %b\n}\n";
  ExpectSound(kir);
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = After(kir, kSink, ctx);
  ASSERT_TRUE(g);
  ASSERT_EQ(g->num_ops(), 1u);
  const ir::Op* t = *g->ops().begin();
  EXPECT_EQ(t->operand(0), g->input(0));
  EXPECT_EQ(t->attrs().GetInts("perm"), (std::vector<int64_t>{0, 3, 1, 2}));
  EXPECT_EQ(g->output(1), g->input(0)) << "the pair that cancels is gone";
}

TEST(SinkTransposesTest, UnaryOpsGoAboveTheTranspose) {
  const std::string kir =
      "graph @g(%x: f32[N,2,3,4]) -> (f32[N,3,4,2]) {\n"
      "  %lo = const @lo : f32[]\n  %hi = const @hi : f32[1]\n"
      "  %t = transpose(%x) {perm=[0,2,3,1]} : f32[N,3,4,2]\n"
      "  %r = leaky_relu(%t) {alpha=0.25} : f32[N,3,4,2]\n"
      "  %s = sigmoid(%r) : f32[N,3,4,2]\n"
      "  %y = clip(%s, %lo, %hi) : f32[N,3,4,2]\n  return %y\n}\n"
      "constants {\n  @lo = [0.2]\n  @hi = [0.7]\n}\n";
  ExpectSound(kir);
  EXPECT_EQ(KindsAfter(kir, kSink), (Kinds{"leaky_relu", "sigmoid", "clip", "transpose"}));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = After(kir, kSink, ctx);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->output_name(0), "y");
  const ir::Op* clip = g->output(0)->producer()->operand(0)->producer();
  ASSERT_TRUE(clip && clip->kind() == ir::OpKind::kClip);
  EXPECT_EQ(clip->result(0)->name(), "y") << "the moved op keeps the name";
  EXPECT_EQ((*g->ops().begin())->result(0)->type()->ToString(), "f32[N,2,3,4]");
}

TEST(SinkTransposesTest, UnaryKeepsASharedTranspose) {
  // The transpose is also a graph output: moving it would duplicate it.
  ExpectUnchanged(
      "graph @g(%x: f32[N,2,3,4]) -> (f32[N,3,4,2], f32[N,3,4,2]) {\n"
      "  %t = transpose(%x) {perm=[0,2,3,1]} : f32[N,3,4,2]\n"
      "  %r = relu(%t) : f32[N,3,4,2]\n  return %r, %t\n}\n");
  // Clip with a bound computed at run time is not elementwise-unary.
  ExpectUnchanged(
      "graph @g(%x: f32[N,2,3,4], %lo: f32[]) -> (f32[N,3,4,2]) {\n"
      "  %t = transpose(%x) {perm=[0,2,3,1]} : f32[N,3,4,2]\n"
      "  %y = clip(%t, %lo) : f32[N,3,4,2]\n  return %y\n}\n");
}

TEST(SinkTransposesTest, BinaryOfTwoTransposes) {
  for (std::string_view op : {"add", "sub", "mul", "div", "min", "max", "pow"}) {
    // %b broadcasts (size-1 dims), in the same rank.
    const std::string kir =
        "graph @g(%a: f32[N,2,3,4], %b: f32[1,2,1,4]) -> (f32[N,3,4,2]) {\n"
        "  %ta = transpose(%a) {perm=[0,2,3,1]} : f32[N,3,4,2]\n"
        "  %tb = transpose(%b) {perm=[0,2,3,1]} : f32[1,1,4,2]\n"
        "  %y = " +
        std::string(op) + "(%ta, %tb) : f32[N,3,4,2]\n  return %y\n}\n";
    SCOPED_TRACE(op);
    ExpectSound(kir);
    EXPECT_EQ(KindsAfter(kir, kSink), (Kinds{std::string(op), "transpose"}));
  }
}

TEST(SinkTransposesTest, BinaryWithAConstant) {
  // x is NHWC [N,3,4,2]; t = x in NCHW; the constant is per channel, a scalar, or [H,W].
  struct Case {
    std::string shape;
    int count;
    std::string body;
    std::string permuted;  // the constant's shape afterwards
  };
  const std::vector<Case> cases = {
      {"[2,1,1]", 2, "mul(%t, %c)", "[2]"},     {"[1,2,1,1]", 2, "add(%c, %t)", "[2]"},
      {"[]", 1, "sub(%c, %t)", "[]"},           {"[3,4]", 12, "div(%t, %c)", "[3,4,1]"},
      {"[2,3,1]", 6, "max(%c, %t)", "[3,1,2]"},
  };
  for (const Case& c : cases) {
    const std::string kir =
        "graph @g(%x: f32[N,3,4,2]) -> (f32[N,2,3,4]) {\n  %c = const @c : f32" + c.shape +
        "\n  %t = transpose(%x) {perm=[0,3,1,2]} : f32[N,2,3,4]\n  %y = " + c.body +
        " : f32[N,2,3,4]\n  return %y\n}\nconstants {\n  @c = " + Values(c.count, 5, 0.5, 2.0) +
        "\n}\n";
    SCOPED_TRACE(kir);
    ExpectSound(kir);
    ir::Context ctx;
    std::unique_ptr<ir::Graph> g = After(kir, kSink, ctx);
    ASSERT_TRUE(g);
    ASSERT_EQ(g->num_ops(), 2u);
    const ir::Op* op = *g->ops().begin();
    const int k = op->operand(0)->is_constant() ? 0 : 1;
    EXPECT_EQ(op->operand(1 - k), g->input(0));
    EXPECT_EQ(op->operand(k)->type()->shape().ToString(), c.permuted);
  }
}

TEST(SinkTransposesTest, BinaryLeftAlone) {
  // Different perms.
  ExpectUnchanged(
      "graph @g(%a: f32[2,2,2], %b: f32[2,2,2]) -> (f32[2,2,2]) {\n"
      "  %ta = transpose(%a) {perm=[1,0,2]} : f32[2,2,2]\n"
      "  %tb = transpose(%b) {perm=[0,2,1]} : f32[2,2,2]\n"
      "  %y = add(%ta, %tb) : f32[2,2,2]\n  return %y\n}\n");
  // Both transposes have other users: sinking would add one.
  ExpectUnchanged(
      "graph @g(%a: f32[2,3], %b: f32[2,3]) -> (f32[3,2], f32[3,2], f32[3,2]) {\n"
      "  %ta = transpose(%a) {perm=[1,0]} : f32[3,2]\n"
      "  %tb = transpose(%b) {perm=[1,0]} : f32[3,2]\n"
      "  %y = add(%ta, %tb) : f32[3,2]\n  return %y, %ta, %tb\n}\n");
  // The other operand is computed at run time; a constant that raises the rank.
  ExpectUnchanged(
      "graph @g(%a: f32[2,3], %b: f32[3,2]) -> (f32[3,2]) {\n"
      "  %ta = transpose(%a) {perm=[1,0]} : f32[3,2]\n"
      "  %y = mul(%ta, %b) : f32[3,2]\n  return %y\n}\n");
  ExpectUnchanged(
      "graph @g(%a: f32[2,3]) -> (f32[2,3,2]) {\n  %c = const @c : f32[2,1,1]\n"
      "  %ta = transpose(%a) {perm=[1,0]} : f32[3,2]\n"
      "  %y = mul(%ta, %c) : f32[2,3,2]\n  return %y\n}\nconstants {\n  @c = [1.0, 2.0]\n}\n");
}

TEST(SinkTransposesTest, SizeOneTransposeBecomesAReshape) {
  const std::string kir =
      "graph @g(%x: f32[N,1,1,5]) -> (f32[N,5,1,1]) {\n"
      "  %y = transpose(%x) {perm=[0,3,1,2]} : f32[N,5,1,1]\n  return %y\n}\n";
  ExpectSound(kir);
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = After(kir, kSink, ctx);
  ASSERT_TRUE(g);
  ASSERT_EQ(g->num_ops(), 1u);
  const ir::Op* r = *g->ops().begin();
  EXPECT_EQ(r->kind(), ir::OpKind::kReshape);
  EXPECT_EQ(IntConstant(r->operand(1)), (std::vector<int64_t>{0, 5, 1, 1}));
  EXPECT_EQ(r->result(0)->type()->ToString(), "f32[N,5,1,1]");
  // An image with one channel, NCHW to NHWC.
  const std::string gray =
      "graph @g(%x: f32[N,1,4,4]) -> (f32[N,4,4,1]) {\n"
      "  %y = transpose(%x) {perm=[0,2,3,1]} : f32[N,4,4,1]\n  return %y\n}\n";
  ExpectSound(gray);
  EXPECT_EQ(KindsAfter(gray, kSink), Kinds{"reshape"});
  // The non-1 dims change order: a real transpose stays.
  ExpectUnchanged(
      "graph @g(%x: f32[N,2,1,5]) -> (f32[N,5,2,1]) {\n"
      "  %y = transpose(%x) {perm=[0,3,1,2]} : f32[N,5,2,1]\n  return %y\n}\n");
}

TEST(SinkTransposesTest, SizeOneTransposeSinksBeforeItBecomesAReshape) {
  // relu first takes the transpose down; then it is a reshape at the output.
  const std::string kir =
      "graph @g(%x: f32[N,1,1,5]) -> (f32[N,5,1,1]) {\n"
      "  %t = transpose(%x) {perm=[0,3,1,2]} : f32[N,5,1,1]\n"
      "  %y = relu(%t) : f32[N,5,1,1]\n  return %y\n}\n";
  ExpectSound(kir);
  EXPECT_EQ(KindsAfter(kir, kSink), (Kinds{"relu", "reshape"}));
}

TEST(SinkTransposesTest, FlattenLooksThroughAReshape) {
  const std::string kir =
      "graph @g(%x: f32[N,1,1,5]) -> (f32[N,5]) {\n  %s = const @s : i64[4]\n"
      "  %r = reshape(%x, %s) : f32[N,5,1,1]\n"
      "  %y = flatten(%r) {axis=1} : f32[N,5]\n  return %y\n}\n"
      "constants {\n  @s = [0, 5, 1, 1]\n}\n";
  ExpectSound(kir);
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = After(kir, kSink, ctx);
  ASSERT_TRUE(g);
  ASSERT_EQ(g->num_ops(), 1u);
  const ir::Op* f = *g->ops().begin();
  EXPECT_EQ(f->kind(), ir::OpKind::kFlatten);
  EXPECT_EQ(f->operand(0), g->input(0));
  EXPECT_EQ(f->attrs().GetInt("axis"), 1);
  // No split of [N,2,6] gives [N*2*2, 3] = the reshape's [N,2,2,3] at axis 3.
  ExpectUnchanged(
      "graph @g(%x: f32[N,2,6]) -> (f32[?,3]) {\n  %s = const @s : i64[4]\n"
      "  %r = reshape(%x, %s) : f32[N,2,2,3]\n"
      "  %y = flatten(%r) {axis=3} : f32[?,3]\n  return %y\n}\n"
      "constants {\n  @s = [0, 2, 2, 3]\n}\n");
}

TEST(SinkTransposesTest, TransposeBeforeAClassifierGoesIntoItsWeights) {
  const std::vector<std::string> classifiers = {
      "gemm(%f, %w, %b) {trans_b=1}",  // w [6, 24]
      "gemm(%f, %w, %b)",              // w [24, 6]
      "linear(%f, %w, %b)",
      "matmul(%f, %w)",
  };
  for (const std::string& classifier : classifiers) {
    const bool by_columns = classifier.find("trans_b") != std::string::npos;
    const std::string kir = "graph @g(%x: f32[N,3,4,2]) -> (f32[N,6]) {\n  %w = const @w : f32" +
                            std::string(by_columns ? "[6,24]" : "[24,6]") +
                            "\n  %b = const @b : f32[6]\n"
                            "  %t = transpose(%x) {perm=[0,3,1,2]} : f32[N,2,3,4]\n"
                            "  %f = flatten(%t) : f32[N,24]\n  %y = " +
                            classifier +
                            " : f32[N,6]\n  return %y\n}\nconstants {\n  @w = " + Values(144, 9) +
                            "\n  @b = " + Values(6, 10) + "\n}\n";
    SCOPED_TRACE(kir);
    ExpectSound(kir);
    const Kinds kinds = KindsAfter(kir, kSink);
    EXPECT_EQ(Count(kinds, "transpose"), 0);
    EXPECT_EQ(kinds.front(), "flatten");
  }
  // A flatten that is also a graph output keeps its transpose.
  ExpectUnchanged(
      "graph @g(%x: f32[N,3,4,2]) -> (f32[N,6], f32[N,24]) {\n  %w = const @w : f32[24,6]\n"
      "  %t = transpose(%x) {perm=[0,3,1,2]} : f32[N,2,3,4]\n"
      "  %f = flatten(%t) : f32[N,24]\n  %y = matmul(%f, %w) : f32[N,6]\n  return %y, %f\n}\n"
      "constants {\n  @w = " +
      Values(144, 9) + "\n}\n");
}

// conv -> relu -> conv -> add(residual) -> relu -> max_pool -> conv -> global_average_pool ->
// flatten -> gemm, a resnet block and head; `mid` is inserted after the second conv (%c2 to
// %m).
std::string ResidualNet(const std::string& mid = "  %m = identity(%c2) : f32[N,4,8,8]\n",
                        const std::string& mid_constants = "") {
  return "graph @net(%x: f32[N,3,8,8]) -> (f32[N,5]) {\n"
         "  %w1 = const @w1 : f32[4,3,3,3]\n  %b1 = const @b1 : f32[4]\n"
         "  %w2 = const @w2 : f32[4,1,3,3]\n  %w3 = const @w3 : f32[6,4,1,1]\n"
         "  %wg = const @wg : f32[5,6]\n  %bg = const @bg : f32[5]\n" +
         std::string(mid_constants.empty() ? "" : "  %s = const @s : f32[4,1,1]\n") +
         "  %c1 = conv(%x, %w1, %b1) {pads=[1,1,1,1]} : f32[N,4,8,8]\n"
         "  %r1 = relu(%c1) : f32[N,4,8,8]\n"
         "  %c2 = conv(%r1, %w2) {group=4, pads=[1,1,1,1]} : f32[N,4,8,8]\n" +
         mid +
         "  %a = add(%m, %r1) : f32[N,4,8,8]\n"
         "  %r2 = relu(%a) : f32[N,4,8,8]\n"
         "  %p = max_pool(%r2) {kernel_shape=[2,2], strides=[2,2]} : f32[N,4,4,4]\n"
         "  %c3 = conv(%p, %w3) : f32[N,6,4,4]\n"
         "  %g = global_average_pool(%c3) : f32[N,6,1,1]\n"
         "  %f = flatten(%g) : f32[N,6]\n"
         "  %y = gemm(%f, %wg, %bg) {trans_b=1} : f32[N,5]\n  return %y\n}\n"
         "constants {\n  @w1 = " +
         Values(108, 11) + "\n  @b1 = " + Values(4, 12) + "\n  @w2 = " + Values(36, 13) +
         "\n  @w3 = " + Values(24, 14) + "\n  @wg = " + Values(30, 15) +
         "\n  @bg = " + Values(5, 16) + "\n" + mid_constants + "}\n";
}

// After `pipeline`: one transpose, reading the graph input; every conv and pool NHWC.
void ExpectOneTransposeAtTheInput(const std::string& kir, std::string_view pipeline) {
  SCOPED_TRACE(pipeline);
  EXPECT_TRUE(PreservesNumerics(kir, pipeline, {.dims = {{"N", 2}}}));
  EXPECT_TRUE(IsIdempotent(kir, pipeline));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = After(kir, pipeline, ctx);
  ASSERT_TRUE(g);
  int transposes = 0, nhwc = 0;
  for (const ir::Op* op : g->ops()) {
    if (op->kind() == ir::OpKind::kTranspose) {
      ++transposes;
      EXPECT_EQ(op->operand(0), g->input(0));
    }
    if (ir::HasLayoutAttr(op->kind())) {
      EXPECT_TRUE(ir::IsChannelsLast(*op)) << op->kind_name();
      ++nhwc;
    }
  }
  EXPECT_EQ(transposes, 1) << ir::PrintGraph(*g);
  EXPECT_EQ(nhwc, 5);
}

TEST(SinkTransposesTest, ResidualNetKeepsOneTransposeAtTheInput) {
  const std::string kir = ResidualNet();
  ExpectOneTransposeAtTheInput(kir, kNhwc);
  ExpectOneTransposeAtTheInput(kir, "nhwc");
  // The global pool's [N,1,1,6] -> [N,6,1,1] transpose became a reshape that flatten then
  // looked through: flatten reads the NHWC pool directly, and no reshape is left.
  EXPECT_EQ(KindsAfter(kir, kNhwc),
            (Kinds{"transpose", "conv", "relu", "conv", "add", "relu", "max_pool", "conv",
                   "global_average_pool", "flatten", "gemm"}));
  // After -O2 (relus fused into the convs) too.
  ExpectOneTransposeAtTheInput(kir, "optimize,nhwc");
}

TEST(SinkTransposesTest, PerChannelScaleInTheChainIsPermuted) {
  // mul by a [C,1,1] constant between conv and the residual add (a decomposed batch norm).
  const std::string kir =
      ResidualNet("  %m = mul(%c2, %s) : f32[N,4,8,8]\n", "  @s = " + Values(4, 17) + "\n");
  ExpectOneTransposeAtTheInput(kir, kNhwc);
}

TEST(SinkTransposesTest, GlobalPoolOutputEndsInAReshape) {
  const std::string kir =
      "graph @g(%x: f32[N,3,6,6]) -> (f32[N,4,1,1]) {\n  %w = const @w : f32[4,3,3,3]\n"
      "  %c = conv(%x, %w) {pads=[1,1,1,1]} : f32[N,4,6,6]\n"
      "  %r = relu(%c) : f32[N,4,6,6]\n"
      "  %y = global_average_pool(%r) : f32[N,4,1,1]\n  return %y\n}\n"
      "constants {\n  @w = " +
      Values(108, 18) + "\n}\n";
  ExpectSound(kir, kNhwc);
  EXPECT_EQ(KindsAfter(kir, kNhwc),
            (Kinds{"transpose", "conv", "relu", "global_average_pool", "reshape"}));
}

TEST(SinkTransposesTest, GrayscaleCnnHasNoTransposeLeft) {
  // Like the Fashion-MNIST CNN: one input channel (its transpose is a reshape) and a
  // classifier after the last pool (its transpose goes into the weights).
  const std::string kir =
      "graph @g(%x: f32[N,1,8,8]) -> (f32[N,3]) {\n"
      "  %w = const @w : f32[4,1,3,3]\n  %wg = const @wg : f32[3,64]\n"
      "  %c = conv(%x, %w) {pads=[1,1,1,1]} : f32[N,4,8,8]\n"
      "  %r = relu(%c) : f32[N,4,8,8]\n"
      "  %p = max_pool(%r) {kernel_shape=[2,2], strides=[2,2]} : f32[N,4,4,4]\n"
      "  %f = flatten(%p) : f32[N,64]\n"
      "  %y = gemm(%f, %wg) {trans_b=1} : f32[N,3]\n  return %y\n}\n"
      "constants {\n  @w = " +
      Values(36, 19) + "\n  @wg = " + Values(192, 20) + "\n}\n";
  ExpectSound(kir, kNhwc);
  EXPECT_EQ(KindsAfter(kir, kNhwc),
            (Kinds{"reshape", "conv", "relu", "max_pool", "flatten", "gemm"}));
}

}  // namespace
}  // namespace kiln
