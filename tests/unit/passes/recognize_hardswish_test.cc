#include "passes/patterns/recognize_hardswish.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

using testing::Kinds;
using testing::KindsAfter;

using testing::IsIdempotent;
using testing::ParseOrDie;
using testing::PreservesNumerics;
using testing::RunPipelineOn;

// x: f32[N,4,8] (scaled by 4 so that values reach the clip's bounds), then `body` defining %y.
std::string Graph(std::initializer_list<std::string_view> body) {
  const std::string t = "f32[N,4,8]";
  std::string s = "graph @g(%in: " + t + ") -> (" + t + ") {\n" +
                  "  %three = const @three : f32[]\n  %zero = const @zero : f32[]\n"
                  "  %six = const @six : f32[]\n  %sixth = const @sixth : f32[]\n"
                  "  %four = const @four : f32[]\n"
                  "  %x = mul(%in, %four) : " +
                  t + "\n";
  for (std::string_view l : body) s += "  " + std::string(l) + " : " + t + "\n";
  return s +
         "  return %y\n}\nconstants {\n  @three = [3.0]\n  @zero = [0.0]\n  @six = [6.0]\n"
         "  @sixth = [0.16666667]\n  @four = [4.0]\n}\n";
}

TEST(RecognizeHardSwishTest, Forms) {
  const std::vector<std::string> forms = {
      Graph({"%h = hard_sigmoid(%x) {alpha=0.16666666666666666, beta=0.5}", "%y = mul(%h, %x)"}),
      Graph({"%a = add(%x, %three)", "%c = clip(%a, %zero, %six)", "%m = mul(%x, %c)",
             "%y = div(%m, %six)"}),
      Graph({"%a = add(%three, %x)", "%c = clip(%a, %zero, %six)", "%m = mul(%c, %x)",
             "%y = mul(%m, %sixth)"}),
      // torch 1.13: F.relu6 is clip(relu(.), 0, 6).
      Graph({"%a = add(%x, %three)", "%r = relu(%a)", "%c = clip(%r, %zero, %six)",
             "%m = mul(%x, %c)", "%y = div(%m, %six)"}),
      Graph({"%a = add(%x, %three)", "%c = clip(%a, %zero, %six)", "%d = div(%c, %six)",
             "%y = mul(%x, %d)"}),
      Graph({"%a = add(%x, %three)", "%c = clip(%a, %zero, %six)", "%d = mul(%sixth, %c)",
             "%y = mul(%d, %x)"}),
  };
  for (const std::string& kir : forms) {
    EXPECT_TRUE(PreservesNumerics(kir, "recognize-hardswish")) << kir;
    EXPECT_TRUE(PreservesNumerics(kir, "recognize-hardswish", {.dims = {{"N", 3}}})) << kir;
    EXPECT_TRUE(IsIdempotent(kir, "recognize-hardswish")) << kir;
    EXPECT_EQ(KindsAfter(kir, "recognize-hardswish"), (Kinds{"mul", "hard_swish"})) << kir;
  }
}

TEST(RecognizeHardSwishTest, HardSigmoid) {
  const std::string kir =
      Graph({"%a = add(%x, %three)", "%c = clip(%a, %zero, %six)", "%y = div(%c, %six)"});
  EXPECT_TRUE(PreservesNumerics(kir, "recognize-hardswish"));
  EXPECT_TRUE(IsIdempotent(kir, "recognize-hardswish"));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(RunPipelineOn(*g, "recognize-hardswish").ok());
  ASSERT_EQ(g->num_ops(), 2u);
  const ir::Op* hs = g->output(0)->producer();
  ASSERT_EQ(hs->kind(), ir::OpKind::kHardSigmoid);
  EXPECT_NEAR(hs->attrs().GetFloat("alpha"), 1.0 / 6.0, 1e-8);
  EXPECT_EQ(hs->attrs().GetFloat("beta"), 0.5);
}

TEST(RecognizeHardSwishTest, NearMissesAreLeft) {
  // The clip is used again.
  EXPECT_EQ(KindsAfter(Graph({"%a = add(%x, %three)", "%c = clip(%a, %zero, %six)",
                              "%m = mul(%x, %c)", "%d = div(%m, %six)", "%y = add(%d, %c)"}),
                       "recognize-hardswish")
                .size(),
            6u);
  // Divided by 3.
  EXPECT_EQ(KindsAfter(Graph({"%a = add(%x, %three)", "%c = clip(%a, %zero, %six)",
                              "%m = mul(%x, %c)", "%y = div(%m, %three)"}),
                       "recognize-hardswish")
                .size(),
            5u);
  // hard_sigmoid with ONNX's default alpha 0.2.
  EXPECT_EQ(KindsAfter(Graph({"%h = hard_sigmoid(%x)", "%y = mul(%h, %x)"}), "recognize-hardswish"),
            (Kinds{"mul", "hard_sigmoid", "mul"}));
}

}  // namespace
}  // namespace kiln
