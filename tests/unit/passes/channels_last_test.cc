// `channels-last`: NCHW convs and pools become NHWC between transposes, with conv weights
// repacked into XNNPACK's layouts. Every case checks the structure and the numbers (the
// reference runtime runs NHWC ops), alone and followed by the transpose clean-up (`nhwc`).
#include "passes/layout/channels_last.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
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

// graph @g(%x: f32<x>) -> (f32<y>) { %w = const [w]; [%b = const [bias]]; %y = <op>; return %y }
struct OneOp {
  std::string x;
  std::string y;
  std::string op;  // reads %x, %w, %b
  std::vector<int64_t> w = {};
  int64_t bias = 0;  // elements of %b; 0 for none

  std::string Kir() const {
    std::string w_type, lines, constants;
    if (!w.empty()) {
      int64_t n = 1;
      for (int64_t d : w) n *= d;
      for (size_t i = 0; i < w.size(); ++i) w_type += (i ? "," : "") + std::to_string(w[i]);
      lines += "  %w = const @w : f32[" + w_type + "]\n";
      constants += "  @w = " + Values(static_cast<int>(n), 7) + "\n";
    }
    if (bias > 0) {
      lines += "  %b = const @b : f32[" + std::to_string(bias) + "]\n";
      constants += "  @b = " + Values(static_cast<int>(bias), 8) + "\n";
    }
    return "graph @g(%x: f32" + x + ") -> (f32" + y + ") {\n" + lines + "  %y = " + op + " : f32" +
           y + "\n  return %y\n}\n" +
           (constants.empty() ? "" : "constants {\n" + constants + "}\n");
  }
};

// The one op of `kind` in `g` (fails the test when there is not exactly one).
const ir::Op* Only(const ir::Graph& g, std::string_view kind) {
  const ir::Op* found = nullptr;
  int n = 0;
  for (const ir::Op* op : g.ops()) {
    if (op->kind_name() == kind) {
      found = op;
      ++n;
    }
  }
  EXPECT_EQ(n, 1) << kind;
  return found;
}

// Runs channels-last on `c` and checks: transpose, <kind> NHWC, transpose; the numbers; a
// second run changes nothing; the full `nhwc` pipeline keeps the numbers too. Returns the
// NHWC op's operand 1 shape (the weight), or "" for a pool.
std::string ExpectChannelsLast(const OneOp& c, std::string_view kind) {
  const std::string kir = c.Kir();
  SCOPED_TRACE(kir);
  EXPECT_EQ(KindsAfter(kir, "channels-last"), (Kinds{"transpose", std::string(kind), "transpose"}));
  EXPECT_TRUE(PreservesNumerics(kir, "channels-last", {.dims = {{"N", 2}}}));
  EXPECT_TRUE(PreservesNumerics(kir, "nhwc", {.dims = {{"N", 2}}}));
  EXPECT_TRUE(IsIdempotent(kir, "channels-last"));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  if (!g || !RunPipelineOn(*g, "channels-last").ok()) return "?";
  const ir::Op* op = Only(*g, kind);
  if (op == nullptr) return "?";
  EXPECT_TRUE(ir::IsChannelsLast(*op));
  // In: transpose(x) {perm=[0,2,3,1]}; out: the graph output is transpose(op) {perm=[0,3,1,2]}.
  const ir::Op* in = op->operand(0)->producer();
  EXPECT_TRUE(in && in->kind() == ir::OpKind::kTranspose && in->operand(0) == g->input(0) &&
              in->attrs().GetInts("perm") == std::vector<int64_t>({0, 2, 3, 1}));
  const ir::Op* out = g->output(0)->producer();
  EXPECT_TRUE(out && out->kind() == ir::OpKind::kTranspose && out->operand(0) == op->result(0) &&
              out->attrs().GetInts("perm") == std::vector<int64_t>({0, 3, 1, 2}));
  EXPECT_EQ(op->result(0)->name(), "y") << "the NHWC result keeps the name";
  EXPECT_EQ(g->output_name(0), "y");
  return op->num_operands() > 1 ? op->operand(1)->type()->shape().ToString() : "";
}

TEST(ChannelsLastTest, ConvWithBiasActivationStridesPadsDilations) {
  OneOp c{.x = "[N,3,9,9]",
          .y = "[N,5,4,4]",
          .op =
              "conv(%x, %w, %b) {activation=\"relu\", dilations=[2,1], kernel_shape=[3,3], "
              "pads=[1,0,2,1], strides=[2,2]}",
          .w = {5, 3, 3, 3},
          .bias = 5};
  EXPECT_EQ(ExpectChannelsLast(c, "conv"), "[5,3,3,3]");  // OHWI [O, kh, kw, I]
}

TEST(ChannelsLastTest, ConvWeightIsOhwi) {
  // Non-square kernel and I != O so the repacked shape tells the layouts apart.
  OneOp c{.x = "[N,2,6,7]", .y = "[N,4,5,5]", .op = "conv(%x, %w)", .w = {4, 2, 2, 3}};
  EXPECT_EQ(ExpectChannelsLast(c, "conv"), "[4,2,3,2]");
}

TEST(ChannelsLastTest, AutoPadSame) {
  OneOp c{.x = "[N,2,7,7]",
          .y = "[N,3,4,4]",
          .op = "conv(%x, %w) {auto_pad=\"SAME_UPPER\", strides=[2,2]}",
          .w = {3, 2, 3, 3}};
  EXPECT_EQ(ExpectChannelsLast(c, "conv"), "[3,3,3,2]");
}

TEST(ChannelsLastTest, DepthwiseConvWeightIsOneHwO) {
  // group == C: [C, 1, kh, kw] becomes [1, kh, kw, C].
  OneOp c{.x = "[N,4,8,8]",
          .y = "[N,4,8,8]",
          .op =
              "conv(%x, %w, %b) {activation=\"clip\", activation_alpha=0.0, "
              "activation_beta=0.5, group=4, pads=[1,1,1,1]}",
          .w = {4, 1, 3, 3},
          .bias = 4};
  EXPECT_EQ(ExpectChannelsLast(c, "conv"), "[1,3,3,4]");
  // A channel multiplier of 2: output channel o reads input channel o / 2.
  OneOp m{.x = "[N,3,6,6]",
          .y = "[N,6,2,2]",
          .op = "conv(%x, %w) {group=3, strides=[2,2]}",
          .w = {6, 1, 3, 3}};
  EXPECT_EQ(ExpectChannelsLast(m, "conv"), "[1,3,3,6]");
}

TEST(ChannelsLastTest, GroupedConvKeepsOhwi) {
  // group 2 with C_in / group = 3.
  OneOp c{.x = "[N,6,7,7]",
          .y = "[N,4,7,7]",
          .op = "conv(%x, %w) {group=2, pads=[1,1,1,1]}",
          .w = {4, 3, 3, 3}};
  EXPECT_EQ(ExpectChannelsLast(c, "conv"), "[4,3,3,3]");
}

TEST(ChannelsLastTest, OneInputChannelIsNotDepthwise) {
  // group 1 with one input channel (a grayscale image): OHWI [O, kh, kw, 1].
  OneOp c{
      .x = "[N,1,6,6]", .y = "[N,4,6,6]", .op = "conv(%x, %w) {pads=[1,1,1,1]}", .w = {4, 1, 3, 3}};
  EXPECT_EQ(ExpectChannelsLast(c, "conv"), "[4,3,3,1]");
}

TEST(ChannelsLastTest, Pools) {
  ExpectChannelsLast({.x = "[N,3,7,7]",
                      .y = "[N,3,4,4]",
                      .op = "max_pool(%x) {kernel_shape=[3,3], pads=[1,1,1,1], strides=[2,2]}"},
                     "max_pool");
  ExpectChannelsLast({.x = "[N,3,6,6]",
                      .y = "[N,3,3,3]",
                      .op = "max_pool(%x) {ceil_mode=1, kernel_shape=[3,3], strides=[2,2]}"},
                     "max_pool");
  ExpectChannelsLast({.x = "[N,2,5,6]",
                      .y = "[N,2,5,6]",
                      .op = "average_pool(%x) {count_include_pad=1, kernel_shape=[3,3], "
                            "pads=[1,1,1,1]}"},
                     "average_pool");
  ExpectChannelsLast({.x = "[N,2,5,6]",
                      .y = "[N,2,3,3]",
                      .op = "average_pool(%x) {kernel_shape=[2,2], pads=[0,0,1,0], "
                            "strides=[2,2]}"},
                     "average_pool");
  ExpectChannelsLast({.x = "[N,3,5,4]", .y = "[N,3,1,1]", .op = "global_average_pool(%x)"},
                     "global_average_pool");
  ExpectChannelsLast({.x = "[N,3,5,4]", .y = "[N,3,1,1]", .op = "global_max_pool(%x)"},
                     "global_max_pool");
}

TEST(ChannelsLastTest, ResultTypesAreExact) {
  const std::string kir =
      "graph @g(%x: f32[N,3,8,8]) -> (f32[N,4,4,4]) {\n"
      "  %w = const @w : f32[4,3,3,3]\n"
      "  %c = conv(%x, %w) {pads=[1,1,1,1], strides=[2,2]} : f32[N,4,4,4]\n"
      "  %y = relu(%c) : f32[N,4,4,4]\n  return %y\n}\nconstants {\n  @w = " +
      Values(108, 3) + "\n}\n";
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(RunPipelineOn(*g, "channels-last").ok());
  const ir::Op* conv = Only(*g, "conv");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->operand(0)->type()->ToString(), "f32[N,8,8,3]");
  EXPECT_EQ(conv->result(0)->type()->ToString(), "f32[N,4,4,4]");
  EXPECT_EQ(conv->operand(1)->type()->ToString(), "f32[4,3,3,3]");
  EXPECT_NE(conv->operand(1)->constant()->name, "w") << "a new, repacked constant";
}

// The repacked weight's elements, checked against XNNPACK's layouts element by element (the
// numerical tests alone would pass for any layout the interpreter reads back consistently).
TEST(ChannelsLastTest, WeightElementsAreInXnnpackOrder) {
  struct Case {
    std::string x, y, attrs;
    int64_t o, i, kh, kw;  // the OIHW weight
    bool depthwise;
  };
  for (const Case& c : {Case{"[1,2,4,5]", "[1,3,3,3]", "", 3, 2, 2, 3, false},
                        Case{"[1,3,4,5]", "[1,6,3,3]", "{group=3}", 6, 1, 2, 3, true}}) {
    const int64_t n = c.o * c.i * c.kh * c.kw;
    std::string values = "[";
    for (int64_t k = 0; k < n; ++k) values += (k ? ", " : "") + std::to_string(k) + ".0";
    const std::string kir = "graph @g(%x: f32" + c.x + ") -> (f32" + c.y +
                            ") {\n  %w = const @w : f32[" + std::to_string(c.o) + "," +
                            std::to_string(c.i) + "," + std::to_string(c.kh) + "," +
                            std::to_string(c.kw) + "]\n  %y = conv(%x, %w) " + c.attrs + " : f32" +
                            c.y + "\n  return %y\n}\nconstants {\n  @w = " + values + "]\n}\n";
    ir::Context ctx;
    std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
    ASSERT_TRUE(g && RunPipelineOn(*g, "channels-last").ok()) << kir;
    const ir::Op* conv = Only(*g, "conv");
    ASSERT_NE(conv, nullptr);
    std::optional<std::vector<float>> w = FloatConstant(conv->operand(1));
    ASSERT_TRUE(w);
    ASSERT_EQ(static_cast<int64_t>(w->size()), n);
    // OIHW element (o, i, h, w) has the value o*I*kh*kw + i*kh*kw + h*kw + w.
    for (int64_t o = 0; o < c.o; ++o) {
      for (int64_t h = 0; h < c.kh; ++h) {
        for (int64_t x = 0; x < c.kw; ++x) {
          for (int64_t i = 0; i < c.i; ++i) {
            const float want = static_cast<float>(((o * c.i + i) * c.kh + h) * c.kw + x);
            // OHWI [O, kh, kw, I]; depthwise [1, kh, kw, O] (I == 1).
            const int64_t at =
                c.depthwise ? (h * c.kw + x) * c.o + o : ((o * c.kh + h) * c.kw + x) * c.i + i;
            EXPECT_EQ((*w)[at], want) << "o=" << o << " h=" << h << " w=" << x << " i=" << i;
          }
        }
      }
    }
  }
}

TEST(ChannelsLastTest, SharedWeightIsRepackedOnce) {
  const std::string kir =
      "graph @g(%x: f32[N,2,5,5]) -> (f32[N,2,5,5]) {\n"
      "  %w = const @w : f32[2,2,3,3]\n"
      "  %a = conv(%x, %w) {pads=[1,1,1,1]} : f32[N,2,5,5]\n"
      "  %y = conv(%a, %w) {pads=[1,1,1,1]} : f32[N,2,5,5]\n  return %y\n}\nconstants {\n"
      "  @w = " +
      Values(36, 4) + "\n}\n";
  EXPECT_TRUE(PreservesNumerics(kir, "channels-last"));
  EXPECT_TRUE(PreservesNumerics(kir, "nhwc"));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(RunPipelineOn(*g, "channels-last,dce").ok());
  std::vector<const ir::Value*> weights;
  for (const ir::Op* op : g->ops()) {
    if (op->kind() == ir::OpKind::kConv) weights.push_back(op->operand(1));
  }
  ASSERT_EQ(weights.size(), 2u);
  EXPECT_EQ(weights[0], weights[1]);
  EXPECT_EQ(g->num_constants(), 1) << "the NCHW weight is dead and gone";
}

// A weight-only quantized weight, dequantize(@codes): the codes are repacked and a new
// dequantize reads them (i4 codes are repacked the same way, two a byte: permutation_test.cc); the
// per-channel axis follows the output channels (axis 3 when depthwise).
TEST(ChannelsLastTest, WeightOnlyQuantizedWeightRepacksItsCodes) {
  struct Case {
    std::string x, y, attrs, weight;
    int64_t want_axis;
    std::vector<int64_t> want_shape;
  };
  for (const Case& c :
       {Case{"[N,2,5,5]", "[N,3,5,5]", "{pads=[1,1,1,1]}", "[3,2,3,3]", 0, {3, 3, 3, 2}},
        Case{
            "[N,3,5,5]", "[N,3,5,5]", "{group=3, pads=[1,1,1,1]}", "[3,1,3,3]", 3, {1, 3, 3, 3}}}) {
    const int64_t n = c.weight == "[3,2,3,3]" ? 54 : 27;
    std::string codes = "[";
    for (int64_t k = 0; k < n; ++k) codes += (k ? ", " : "") + std::to_string(k % 15 - 7);
    const std::string kir =
        "graph @g(%x: f32" + c.x + ") -> (f32" + c.y + ") {\n  %q = const @q : i8<per_axis " +
        "axis=0 scales=[0.5,0.25,0.125]>" + c.weight + "\n  %w = dequantize(%q) : f32" + c.weight +
        "\n  %y = conv(%x, %w) " + c.attrs + " : f32" + c.y +
        "\n  return %y\n}\nconstants {\n  @q = " + codes + "]\n}\n";
    EXPECT_TRUE(PreservesNumerics(kir, "nhwc")) << kir;
    ir::Context ctx;
    std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
    ASSERT_TRUE(g && RunPipelineOn(*g, "nhwc").ok()) << kir;
    const ir::Op* conv = Only(*g, "conv");
    ASSERT_NE(conv, nullptr);
    const ir::Op* dq = conv->operand(1)->producer();
    ASSERT_TRUE(dq != nullptr && dq->kind() == ir::OpKind::kDequantize) << kir;
    const ir::TensorType& q = *dq->operand(0)->type();
    EXPECT_EQ(q.scalar(), ir::ScalarType::kI8);
    EXPECT_EQ(q.shape().static_sizes(), c.want_shape);
    ASSERT_TRUE(q.quant());
    EXPECT_EQ(q.quant()->axis, c.want_axis);
    EXPECT_EQ(q.quant()->scales.size(), 3u);
    EXPECT_EQ(g->num_constants(), 1) << "the OIHW codes are dead and gone";
  }
}

TEST(ChannelsLastTest, LeavesAlone) {
  const std::vector<std::string> kirs = {
      // A conv with a residual operand.
      "graph @g(%x: f32[1,2,4,4], %r: f32[1,2,4,4]) -> (f32[1,2,4,4]) {\n"
      "  %w = const @w : f32[2,2,1,1]\n"
      "  %y = conv(%x, %w, _, %r) : f32[1,2,4,4]\n  return %y\n}\n"
      "constants {\n  @w = [1.0, 2.0, 3.0, 4.0]\n}\n",
      // 1-D and 3-D convs.
      "graph @g(%x: f32[1,2,5]) -> (f32[1,2,5]) {\n  %w = const @w : f32[2,2,1]\n"
      "  %y = conv(%x, %w) : f32[1,2,5]\n  return %y\n}\n"
      "constants {\n  @w = [1.0, 2.0, 3.0, 4.0]\n}\n",
      "graph @g(%x: f32[1,1,2,2,2]) -> (f32[1,1,2,2,2]) {\n"
      "  %y = max_pool(%x) {kernel_shape=[1,1,1]} : f32[1,1,2,2,2]\n  return %y\n}\n",
      // A weight computed at run time, conv_transpose, max_pool whose indices are used.
      "graph @g(%x: f32[1,2,4,4], %w: f32[2,2,1,1]) -> (f32[1,2,4,4]) {\n"
      "  %y = conv(%x, %w) : f32[1,2,4,4]\n  return %y\n}\n",
      "graph @g(%x: f32[1,2,3,3]) -> (f32[1,2,3,3]) {\n  %w = const @w : f32[2,2,1,1]\n"
      "  %y = conv_transpose(%x, %w) : f32[1,2,3,3]\n  return %y\n}\n"
      "constants {\n  @w = [1.0, 2.0, 3.0, 4.0]\n}\n",
      "graph @g(%x: f32[1,1,4,4]) -> (f32[1,1,2,2], i64[1,1,2,2]) {\n"
      "  %y, %i = max_pool(%x) {kernel_shape=[2,2], strides=[2,2]} : f32[1,1,2,2], "
      "i64[1,1,2,2]\n  return %y, %i\n}\n",
      // Already NHWC.
      "graph @g(%x: f32[1,4,4,2]) -> (f32[1,1,1,2]) {\n"
      "  %y = global_average_pool(%x) {layout=\"NHWC\"} : f32[1,1,1,2]\n  return %y\n}\n",
  };
  for (const std::string& kir : kirs) {
    ir::Context ctx;
    std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
    ASSERT_TRUE(g);
    const std::string before = ir::PrintGraph(*g);
    ASSERT_TRUE(RunPipelineOn(*g, "channels-last").ok());
    EXPECT_EQ(ir::PrintGraph(*g), before);
  }
}

TEST(ChannelsLastTest, MaxPoolWithUnusedIndicesLosesThem) {
  const std::string kir =
      "graph @g(%x: f32[N,2,4,4]) -> (f32[N,2,2,2]) {\n"
      "  %y, %i = max_pool(%x) {kernel_shape=[2,2], strides=[2,2]} : f32[N,2,2,2], "
      "i64[N,2,2,2]\n  return %y\n}\n";
  EXPECT_EQ(KindsAfter(kir, "channels-last"), (Kinds{"transpose", "max_pool", "transpose"}));
  EXPECT_TRUE(PreservesNumerics(kir, "channels-last"));
}

}  // namespace
}  // namespace kiln
