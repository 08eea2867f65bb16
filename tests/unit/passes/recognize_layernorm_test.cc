#include "passes/patterns/recognize_layernorm.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "passes/match.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

using testing::Kinds;
using testing::KindsAfter;
using testing::Values;

using testing::IsIdempotent;
using testing::ParseOrDie;
using testing::PreservesNumerics;
using testing::RunPipelineOn;

struct Form {
  std::string x_type = "f32[N,3,8]";
  std::string reduced_type = "f32[N,3,1]";
  std::string axes = "[-1]";
  std::string square = "%p = pow(%d, %two)";
  bool reciprocal = false;
  std::string gamma_type;  // empty: no gamma
  int gamma_count = 0;
  std::string beta_type;  // empty: no beta
  int beta_count = 0;
  std::string eps = "1e-5";
};

// LayerNorm spelled out as torch exports it (opset < 17), varied by `f`.
std::string LayerNormGraph(const Form& f) {
  const std::string& t = f.x_type;
  const std::string& r = f.reduced_type;
  std::string s = "graph @g(%x: " + t + ") -> (" + t + ") {\n";
  s += "  %two = const @two : f32[]\n  %eps = const @eps : f32[]\n";
  if (!f.gamma_type.empty()) s += "  %gamma = const @gamma : " + f.gamma_type + "\n";
  if (!f.beta_type.empty()) s += "  %beta = const @beta : " + f.beta_type + "\n";
  s += "  %mean = reduce_mean(%x) {axes=" + f.axes + "} : " + r + "\n";
  s += "  %d = sub(%x, %mean) : " + t + "\n";
  s += "  " + f.square + " : " + t + "\n";
  s += "  %var = reduce_mean(%p) {axes=" + f.axes + "} : " + r + "\n";
  s += "  %e = add(%var, %eps) : " + r + "\n";
  s += "  %s = sqrt(%e) : " + r + "\n";
  if (f.reciprocal) {
    s += "  %rs = reciprocal(%s) : " + r + "\n  %n = mul(%d, %rs) : " + t + "\n";
  } else {
    s += "  %n = div(%d, %s) : " + t + "\n";
  }
  std::string y = "%n";
  if (!f.gamma_type.empty()) {
    s += "  %m = mul(%gamma, " + y + ") : " + t + "\n";
    y = "%m";
  }
  if (!f.beta_type.empty()) {
    s += "  %y = add(" + y + ", %beta) : " + t + "\n";
    y = "%y";
  }
  s += "  return " + y + "\n}\nconstants {\n  @two = [2.0]\n  @eps = [" + f.eps + "]\n";
  if (!f.gamma_type.empty()) s += "  @gamma = " + Values(f.gamma_count, 1, 0.5, 2.0) + "\n";
  if (!f.beta_type.empty()) s += "  @beta = " + Values(f.beta_count, 2) + "\n";
  return s + "}\n";
}

TEST(RecognizeLayerNormTest, TorchForm) {
  Form f;
  f.gamma_type = "f32[8]";
  f.gamma_count = 8;
  f.beta_type = "f32[8]";
  f.beta_count = 8;
  const std::string kir = LayerNormGraph(f);
  EXPECT_TRUE(PreservesNumerics(kir, "recognize-layernorm"));
  EXPECT_TRUE(PreservesNumerics(kir, "recognize-layernorm", {.dims = {{"N", 5}}}));
  EXPECT_TRUE(IsIdempotent(kir, "recognize-layernorm"));
  EXPECT_EQ(KindsAfter(kir, "recognize-layernorm"), Kinds{"layer_norm"});
}

TEST(RecognizeLayerNormTest, Variants) {
  Form f;
  f.square = "%p = mul(%d, %d)";
  f.reciprocal = true;
  f.axes = "[2]";
  f.gamma_type = "f32[1,1,8]";
  f.gamma_count = 8;
  f.eps = "1e-3";
  const std::string kir = LayerNormGraph(f);
  EXPECT_TRUE(PreservesNumerics(kir, "recognize-layernorm", {.dims = {{"N", 3}}}));
  EXPECT_TRUE(IsIdempotent(kir, "recognize-layernorm"));
  EXPECT_EQ(KindsAfter(kir, "recognize-layernorm"), Kinds{"layer_norm"});
}

TEST(RecognizeLayerNormTest, TwoAxesAndBroadcastParameters) {
  Form f;
  f.x_type = "f32[N,3,4,5]";
  f.reduced_type = "f32[N,3,1,1]";
  f.axes = "[-1, 2]";
  f.gamma_type = "f32[4,1]";  // varies along dim 2 only; broadcast over dim 3
  f.gamma_count = 4;
  f.beta_type = "f32[1,5]";
  f.beta_count = 5;
  const std::string kir = LayerNormGraph(f);
  EXPECT_TRUE(PreservesNumerics(kir, "recognize-layernorm"));
  EXPECT_TRUE(IsIdempotent(kir, "recognize-layernorm"));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(RunPipelineOn(*g, "recognize-layernorm").ok());
  ASSERT_EQ(g->num_ops(), 1u);
  const ir::Op* ln = *g->ops().begin();
  EXPECT_EQ(ln->attrs().GetInt("axis", -1), 2);
  ASSERT_EQ(ln->num_operands(), 3);
  EXPECT_EQ(ln->operand(1)->type()->shape(), ir::Shape::Static({4, 5}));
  EXPECT_EQ(ln->operand(2)->type()->shape(), ir::Shape::Static({4, 5}));
}

TEST(RecognizeLayerNormTest, WithoutGammaGetsOnesAndNoBias) {
  Form f;
  const std::string kir = LayerNormGraph(f);
  EXPECT_TRUE(PreservesNumerics(kir, "recognize-layernorm", {.dims = {{"N", 4}}}));
  EXPECT_TRUE(IsIdempotent(kir, "recognize-layernorm"));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(RunPipelineOn(*g, "recognize-layernorm").ok());
  ASSERT_EQ(g->num_ops(), 1u);
  const ir::Op* ln = *g->ops().begin();
  ASSERT_EQ(ln->num_operands(), 2);
  EXPECT_TRUE(IsConstantSplat(ln->operand(1), 1.0));
  EXPECT_EQ(ln->operand(1)->type()->shape(), ir::Shape::Static({8}));
  EXPECT_EQ(g->output(0), ln->result(0));
  EXPECT_DOUBLE_EQ(ln->attrs().GetFloat("epsilon"), 1e-5);

  f.beta_type = "f32[]";
  f.beta_count = 1;
  const std::string beta_only = LayerNormGraph(f);
  EXPECT_TRUE(PreservesNumerics(beta_only, "recognize-layernorm"));
  EXPECT_EQ(KindsAfter(beta_only, "recognize-layernorm"), Kinds{"layer_norm"});
}

TEST(RecognizeLayerNormTest, ExtraUserOrWrongFormIsLeft) {
  Form f;
  f.gamma_type = "f32[8]";
  f.gamma_count = 8;
  const std::string base = LayerNormGraph(f);
  // The normalized value is also an output: the core still becomes a layer_norm, the mul
  // by gamma stays after it.
  std::string n_out = base;
  n_out.replace(n_out.find("-> (f32[N,3,8])"), 15, "-> (f32[N,3,8], f32[N,3,8])");
  n_out.replace(n_out.find("return %m"), 9, "return %m, %n");
  EXPECT_TRUE(PreservesNumerics(n_out, "recognize-layernorm"));
  EXPECT_EQ(KindsAfter(n_out, "recognize-layernorm"), (Kinds{"layer_norm", "mul"}));
  // d is also an output: nothing is rewritten.
  std::string d_out = base;
  d_out.replace(d_out.find("-> (f32[N,3,8])"), 15, "-> (f32[N,3,8], f32[N,3,8])");
  d_out.replace(d_out.find("return %m"), 9, "return %m, %d");
  EXPECT_EQ(KindsAfter(d_out, "recognize-layernorm"),
            (Kinds{"reduce_mean", "sub", "pow", "reduce_mean", "add", "sqrt", "div", "mul"}));
  // keepdims=0.
  Form k;
  k.x_type = "f32[4,4]";
  k.reduced_type = "f32[4]";
  k.axes = "[-1], keepdims=0";
  EXPECT_EQ(KindsAfter(LayerNormGraph(k), "recognize-layernorm").size(), 7u);
  // A negative epsilon is not a layer norm epsilon.
  Form e;
  e.eps = "-1e-5";
  EXPECT_EQ(KindsAfter(LayerNormGraph(e), "recognize-layernorm").size(), 7u);
}

// The exact ops torch 1.13 exports for nn.LayerNorm(256) at opset 13 (names shortened).
TEST(RecognizeLayerNormTest, TorchExportBecomesOneOp) {
  const std::string kir =
      "graph @torch_jit(%x: f32[N,128,256]) -> (f32[N,128,256]) {\n"
      "  %ln.weight = const @ln.weight : f32[256]\n"
      "  %ln.bias = const @ln.bias : f32[256]\n"
      "  %c0 = const @c0 : f32[]\n"
      "  %c1 = const @c1 : f32[]\n"
      "  %mean = reduce_mean(%x) {axes=[-1]} : f32[N,128,1] loc(\"/ln/ReduceMean\")\n"
      "  %sub = sub(%x, %mean) : f32[N,128,256] loc(\"/ln/Sub\")\n"
      "  %pow = pow(%sub, %c0) : f32[N,128,256] loc(\"/ln/Pow\")\n"
      "  %var = reduce_mean(%pow) {axes=[-1]} : f32[N,128,1] loc(\"/ln/ReduceMean_1\")\n"
      "  %add = add(%var, %c1) : f32[N,128,1] loc(\"/ln/Add\")\n"
      "  %sqrt = sqrt(%add) : f32[N,128,1] loc(\"/ln/Sqrt\")\n"
      "  %div = div(%sub, %sqrt) : f32[N,128,256] loc(\"/ln/Div\")\n"
      "  %mul = mul(%div, %ln.weight) : f32[N,128,256] loc(\"/ln/Mul\")\n"
      "  %y = add(%mul, %ln.bias) : f32[N,128,256] loc(\"/ln/Add_1\")\n"
      "  return %y\n}\n"
      "constants {\n  @ln.weight = " +
      Values(256, 3, 0.5, 1.5) + "\n  @ln.bias = " + Values(256, 4) +
      "\n  @c0 = [2.0]\n  @c1 = [1e-05]\n}\n";
  const char* pipeline = "recognize-gelu,recognize-layernorm,dce";
  EXPECT_EQ(KindsAfter(kir, pipeline), Kinds{"layer_norm"});
  EXPECT_TRUE(PreservesNumerics(kir, pipeline));
  EXPECT_TRUE(IsIdempotent(kir, pipeline));
}

}  // namespace
}  // namespace kiln
