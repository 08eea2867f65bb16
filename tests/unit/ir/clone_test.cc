#include "ir/clone.h"

#include <gtest/gtest.h>

#include "ir/context.h"
#include "ir/op.h"
#include "ir/parser.h"
#include "ir/printer.h"

namespace kiln::ir {
namespace {

constexpr const char* kModel = R"(graph @net(%c: bool[], %x: f32[N,4]) -> (f32[N,4], f32[N,4]) {
  %w = const @w : f32[4]
  %unused = const @spare : i8<per_axis axis=0 scales=[0.5,0.25]>[2]
  %a = mul(%x, %w) : f32[N,4] loc("Mul_0")
  %y = if(%c) : f32[N,4] {
    graph @then() -> (f32[N,4]) {
      %r = relu(%a) : f32[N,4]
      return %r
    }
    graph @else() -> (f32[N,4]) {
      %n = neg(%x) : f32[N,4]
      return %n
    }
  } loc("If_1")
  %z = leaky_relu(%y) {alpha=0.25} : f32[N,4]
  return %y as "y", %z as "z"
}
constants {
  @w = [1.0, 2.0, 3.0, 4.0]
  @spare = [1, -2]
}
)";

class CloneTest : public ::testing::Test {
 protected:
  std::unique_ptr<Graph> Parse() {
    Expected<std::unique_ptr<Graph>> g = ParseGraph(kModel, "clone.kir", ctx_);
    EXPECT_TRUE(g.ok()) << g.error().message();
    return std::move(*g);
  }
  Context ctx_;
};

TEST_F(CloneTest, PrintsTheSameTextWithConstants) {
  std::unique_ptr<Graph> g = Parse();
  std::unique_ptr<Graph> copy = CloneGraph(*g);
  EXPECT_EQ(PrintGraph(*copy), PrintGraph(*g));
  EXPECT_NE(PrintGraph(*g).find("@spare"), std::string::npos);
}

TEST_F(CloneTest, MapsEveryValueAndSharesConstantBytes) {
  std::unique_ptr<Graph> g = Parse();
  ValueMap map;
  std::unique_ptr<Graph> copy = CloneGraph(*g, &map);
  ASSERT_EQ(map.count(g->input(1)), 1u);
  EXPECT_EQ(map.at(g->input(1)), copy->input(1));
  EXPECT_EQ(map.at(g->output(1)), copy->output(1));
  EXPECT_EQ(map.at(g->output(1))->producer()->kind(), OpKind::kLeakyRelu);
  // Region values too, and the region's use of the outer %a maps to the copy's %a.
  const Op* if_copy = copy->output(0)->producer();
  const Value* relu_copy = if_copy->region(0).output(0);
  EXPECT_EQ(relu_copy->producer()->operand(0), map.at(g->OpList()[0]->result(0)));
  EXPECT_EQ(map.at(g->OpList()[1]->region(0).output(0)), relu_copy);
  // Types are interned, bytes shared.
  EXPECT_EQ(copy->constant(0)->type(), g->constant(0)->type());
  EXPECT_EQ(copy->constant(0)->constant()->data, g->constant(0)->constant()->data);
  EXPECT_NE(copy->constant(0)->constant(), g->constant(0)->constant());
}

TEST_F(CloneTest, ChangingTheCopyLeavesTheOriginal) {
  std::unique_ptr<Graph> g = Parse();
  const std::string before = PrintGraph(*g);
  std::unique_ptr<Graph> copy = CloneGraph(*g);
  Op* leaky = copy->output(1)->producer();
  leaky->attrs().Set("alpha", 0.5);
  copy->SetOutput(1, copy->output(0));
  copy->EraseOp(leaky);
  copy->set_name("other");
  EXPECT_EQ(PrintGraph(*g), before);
  EXPECT_NE(PrintGraph(*copy), before);
}

}  // namespace
}  // namespace kiln::ir
