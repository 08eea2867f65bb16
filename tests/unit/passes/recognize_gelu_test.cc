#include "passes/patterns/recognize_gelu.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

using testing::IsIdempotent;
using testing::ParseOrDie;
using testing::PreservesNumerics;
using testing::RunPipelineOn;

// The ops left after `pipeline`, with gelu's approximate attribute: "gelu", "gelu:tanh".
std::vector<std::string> OpsAfter(std::string_view kir, std::string_view pipeline) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  if (!g) return {};
  Status s = RunPipelineOn(*g, pipeline);
  EXPECT_TRUE(s.ok()) << s.message();
  std::vector<std::string> ops;
  for (const ir::Op* op : g->ops()) {
    std::string a = op->attrs().GetString("approximate");
    ops.push_back(std::string(op->kind_name()) + (a.empty() ? "" : ":" + a));
  }
  return ops;
}

using Ops = std::vector<std::string>;

// A graph of x: `type` whose body defines %y from the constants below.
std::string Graph(std::string_view type, std::string_view body) {
  const std::string t(type);
  return "graph @g(%x: " + t + ") -> (" + t + ") {\n" +
         "  %sqrt2 = const @sqrt2 : f32[]\n  %inv_sqrt2 = const @inv_sqrt2 : f32[]\n"
         "  %one = const @one : f32[]\n  %half = const @half : f32[]\n"
         "  %three = const @three : f32[]\n  %kappa = const @kappa : f32[]\n"
         "  %beta = const @beta : f32[]\n" +
         std::string(body) +
         "  return %y\n}\nconstants {\n  @sqrt2 = [1.4142135]\n  @inv_sqrt2 = [0.70710678]\n"
         "  @one = [1.0]\n  @half = [0.5]\n  @three = [3.0]\n  @kappa = [0.044715]\n"
         "  @beta = [0.7978846]\n}\n";
}

// Lines defining %y from %x, with type `t` for every value.
std::string Body(std::string_view t, std::initializer_list<std::string_view> lines) {
  std::string s;
  for (std::string_view l : lines) s += "  " + std::string(l) + " : " + std::string(t) + "\n";
  return s;
}

TEST(RecognizeGeluTest, ErfForms) {
  const std::string t = "f32[N,4,8]";
  const std::vector<std::string> bodies = {
      // torch: Mul(Mul(x, Add(Erf(Div(x, 1.4142135)), 1)), 0.5)
      Body(t, {"%a = div(%x, %sqrt2)", "%e = erf(%a)", "%p = add(%e, %one)", "%m = mul(%x, %p)",
               "%y = mul(%m, %half)"}),
      // Kiln's exporter: Mul(Mul(x, 0.5), Add(Erf(Div(x, sqrt2)), 1))
      Body(t, {"%a = div(%x, %sqrt2)", "%e = erf(%a)", "%p = add(%e, %one)", "%h = mul(%x, %half)",
               "%y = mul(%h, %p)"}),
      // x * 0.70710678, 0.5 grouped with the sum, operands swapped.
      Body(t, {"%a = mul(%inv_sqrt2, %x)", "%e = erf(%a)", "%p = add(%one, %e)",
               "%h = mul(%p, %half)", "%y = mul(%x, %h)"}),
  };
  for (const std::string& body : bodies) {
    const std::string kir = Graph(t, body);
    EXPECT_TRUE(PreservesNumerics(kir, "recognize-gelu")) << body;
    EXPECT_TRUE(PreservesNumerics(kir, "recognize-gelu", {.dims = {{"N", 3}}})) << body;
    EXPECT_TRUE(IsIdempotent(kir, "recognize-gelu")) << body;
    EXPECT_EQ(OpsAfter(kir, "recognize-gelu"), Ops{"gelu"}) << body;
  }
}

TEST(RecognizeGeluTest, TanhForms) {
  const std::string t = "f32[N,4,8]";
  const std::vector<std::string> bodies = {
      // torch: 0.5 * (x * (1 + tanh(beta * (x + kappa * (x * (x * x))))))
      Body(t, {"%x2 = mul(%x, %x)", "%x3 = mul(%x, %x2)", "%k = mul(%kappa, %x3)",
               "%s = add(%x, %k)", "%i = mul(%beta, %s)", "%th = tanh(%i)", "%p = add(%one, %th)",
               "%m = mul(%x, %p)", "%y = mul(%half, %m)"}),
      // Kiln's exporter: pow(x, 3), Mul(Mul(x, 0.5), Add(Tanh(...), 1))
      Body(t, {"%x3 = pow(%x, %three)", "%k = mul(%x3, %kappa)", "%s = add(%x, %k)",
               "%i = mul(%s, %beta)", "%th = tanh(%i)", "%p = add(%th, %one)",
               "%h = mul(%x, %half)", "%y = mul(%h, %p)"}),
      // (x * x) * x, sum operands swapped.
      Body(t, {"%x2 = mul(%x, %x)", "%x3 = mul(%x2, %x)", "%k = mul(%x3, %kappa)",
               "%s = add(%k, %x)", "%i = mul(%beta, %s)", "%th = tanh(%i)", "%p = add(%th, %one)",
               "%m = mul(%p, %x)", "%y = mul(%m, %half)"}),
  };
  for (const std::string& body : bodies) {
    const std::string kir = Graph(t, body);
    EXPECT_TRUE(PreservesNumerics(kir, "recognize-gelu")) << body;
    EXPECT_TRUE(PreservesNumerics(kir, "recognize-gelu", {.dims = {{"N", 3}}})) << body;
    EXPECT_TRUE(IsIdempotent(kir, "recognize-gelu")) << body;
    EXPECT_EQ(OpsAfter(kir, "recognize-gelu"), Ops{"gelu:tanh"}) << body;
  }
}

TEST(RecognizeGeluTest, NearMissesAreLeft) {
  const std::string t = "f32[4]";
  // The erf's result is used again.
  std::string extra =
      Graph(t, Body(t, {"%a = div(%x, %sqrt2)", "%e = erf(%a)", "%p = add(%e, %one)",
                        "%m = mul(%x, %p)", "%m2 = mul(%m, %half)", "%y = add(%m2, %e)"}));
  EXPECT_EQ(OpsAfter(extra, "recognize-gelu").size(), 6u);
  // x / 1.4142135 but x * 0.5 replaced by x * 1.0.
  std::string wrong =
      Graph(t, Body(t, {"%a = div(%x, %sqrt2)", "%e = erf(%a)", "%p = add(%e, %one)",
                        "%m = mul(%x, %p)", "%y = mul(%m, %one)"}));
  EXPECT_EQ(OpsAfter(wrong, "recognize-gelu").size(), 5u);
  // tanh form with 3 * x^3 instead of 0.044715 * x^3.
  std::string kappa =
      Graph(t, Body(t, {"%x3 = pow(%x, %three)", "%k = mul(%x3, %three)", "%s = add(%x, %k)",
                        "%i = mul(%s, %beta)", "%th = tanh(%i)", "%p = add(%th, %one)",
                        "%h = mul(%x, %half)", "%y = mul(%h, %p)"}));
  EXPECT_EQ(OpsAfter(kappa, "recognize-gelu").size(), 8u);
}

// The exact ops torch 1.13 exports for F.gelu at opset 13, erf and tanh (names shortened).
TEST(RecognizeGeluTest, TorchExportBecomesOneOp) {
  const std::string erf =
      "graph @torch_jit(%x: f32[N,128,256]) -> (f32[N,128,256]) {\n"
      "  %c0 = const @c0 : f32[]\n  %c1 = const @c1 : f32[]\n  %c2 = const @c2 : f32[]\n"
      "  %div = div(%x, %c0) : f32[N,128,256] loc(\"/Div\")\n"
      "  %erf = erf(%div) : f32[N,128,256] loc(\"/Erf\")\n"
      "  %add = add(%erf, %c1) : f32[N,128,256] loc(\"/Add\")\n"
      "  %mul = mul(%x, %add) : f32[N,128,256] loc(\"/Mul\")\n"
      "  %y = mul(%mul, %c2) : f32[N,128,256] loc(\"/Mul_1\")\n"
      "  return %y\n}\n"
      "constants {\n  @c0 = [1.4142135]\n  @c1 = [1.0]\n  @c2 = [0.5]\n}\n";
  const std::string tanh =
      "graph @torch_jit(%x: f32[N,128,256]) -> (f32[N,128,256]) {\n"
      "  %c0 = const @c0 : f32[]\n  %c1 = const @c1 : f32[]\n  %c2 = const @c2 : f32[]\n"
      "  %c3 = const @c3 : f32[]\n"
      "  %m0 = mul(%x, %x) : f32[N,128,256] loc(\"/Mul\")\n"
      "  %m1 = mul(%x, %m0) : f32[N,128,256] loc(\"/Mul_1\")\n"
      "  %m2 = mul(%c0, %m1) : f32[N,128,256] loc(\"/Mul_2\")\n"
      "  %a0 = add(%x, %m2) : f32[N,128,256] loc(\"/Add\")\n"
      "  %m3 = mul(%c1, %a0) : f32[N,128,256] loc(\"/Mul_3\")\n"
      "  %t = tanh(%m3) : f32[N,128,256] loc(\"/Tanh\")\n"
      "  %a1 = add(%c2, %t) : f32[N,128,256] loc(\"/Add_1\")\n"
      "  %m4 = mul(%x, %a1) : f32[N,128,256] loc(\"/Mul_4\")\n"
      "  %y = mul(%c3, %m4) : f32[N,128,256] loc(\"/Mul_5\")\n"
      "  return %y\n}\n"
      "constants {\n  @c0 = [0.044715]\n  @c1 = [0.7978846]\n  @c2 = [1.0]\n  @c3 = [0.5]\n}\n";
  const char* pipeline = "recognize-gelu,recognize-layernorm,dce";
  EXPECT_EQ(OpsAfter(erf, pipeline), Ops{"gelu"});
  EXPECT_EQ(OpsAfter(tanh, pipeline), Ops{"gelu:tanh"});
  EXPECT_TRUE(PreservesNumerics(erf, pipeline));
  EXPECT_TRUE(PreservesNumerics(tanh, pipeline));
  EXPECT_TRUE(IsIdempotent(erf, pipeline));
  EXPECT_TRUE(IsIdempotent(tanh, pipeline));
}

}  // namespace
}  // namespace kiln
