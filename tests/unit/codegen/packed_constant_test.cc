#include "codegen/packed_constant.h"

#include <gtest/gtest.h>

#include <string>

#include "codegen/cloud/cloud_target.h"
#include "codegen/edge/edge_target.h"
#include "ir/verifier.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln::codegen {
namespace {

using testing::ParseOrDie;

// `graph @g(%x: f32[4,8]) -> (f32[4,8]...) { BODY }` with the constants @wq (`CODES` type,
// [4,8]) and @cq (i32 [8]); the first op is the dequantize under test.
struct Case {
  std::string codes;      // the codes' type, without the shape
  std::string body = "";  // after the dequantize %w; must use %w (default: an add)
  std::string outputs = "f32[4,8]";
  std::string returns = "%y";
};

std::unique_ptr<ir::Graph> Build(const Case& c, ir::Context& ctx) {
  std::string kir = "graph @g(%x: f32[4,8]) -> (" + c.outputs + ") {\n";
  kir += "  %wq = const @wq : " + c.codes + "[4,8]\n";
  kir += "  %w = dequantize(%wq) : f32[4,8]\n";
  kir += c.body.empty() ? "  %y = add(%x, %w) : f32[4,8]\n" : c.body;
  kir += "  return " + c.returns + "\n}\nconstants {\n  @wq = 0x";
  const std::string scalar = c.codes.substr(0, c.codes.find('<'));
  const int bytes = scalar == "i4" || scalar == "u4" ? 16 : scalar == "i32" ? 128 : 32;
  for (int i = 0; i < bytes; ++i) kir += "5a";
  kir += "\n}\n";
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  if (g) {
    Status verified = ir::VerifyGraph(*g);
    EXPECT_TRUE(verified.ok()) << verified.message() << "\n" << kir;
  }
  return g;
}

const std::string kBlocks = "per_block axis=1 block_size=4 scales=[1,2,3,4,5,6,7,8]";

TEST(PackedConstantTest, DequantizeOfConstantCodesOfAnyWidthAndGranularity) {
  for (const std::string& codes :
       {"i4<" + kBlocks + ">", "u4<" + kBlocks + " zero_points=[1,2,3,4,5,6,7,8]>",
        std::string("i8<per_axis axis=0 scales=[0.5,0.25,0.125,1.0]>"),
        std::string("u8<per_tensor scale=0.5 zero_point=128>"),
        std::string("i4<per_axis axis=1 scales=[1,2,3,4,5,6,7,8]>")}) {
    SCOPED_TRACE(codes);
    ir::Context ctx;
    std::unique_ptr<ir::Graph> g = Build({.codes = codes}, ctx);
    ASSERT_TRUE(g);
    const ir::Op& dequantize = **g->ops().begin();
    EXPECT_TRUE(IsPackedConstant(dequantize));
    // Both targets take it, whatever their own dequantize kernels run.
    EXPECT_TRUE(CloudTarget().check_supported(dequantize).ok());
    EXPECT_TRUE(EdgeTarget().check_supported(dequantize).ok());
  }
}

TEST(PackedConstantTest, OtherDequantizesStayOpsWithTodaysChecks) {
  ir::Context ctx;
  // A graph output must be an arena tensor some op writes.
  std::unique_ptr<ir::Graph> output =
      Build({.codes = "i4<" + kBlocks + ">", .body = " ", .returns = "%w"}, ctx);
  ASSERT_TRUE(output);
  const ir::Op& out = **output->ops().begin();
  EXPECT_FALSE(IsPackedConstant(out));
  EXPECT_EQ(CloudTarget().check_supported(out).message(),
            "dequantize other than u8/i8/i32 (per tensor, or per axis with one zero point) to "
            "f32 is not supported by target 'cloud'");
  EXPECT_EQ(EdgeTarget().check_supported(out).message(),
            "dequantize other than per-tensor u8/i8 to f32 is not supported by target 'edge'");
  // i32 codes (a bias) are not a packed type.
  std::unique_ptr<ir::Graph> i32 = Build({.codes = "i32<per_tensor scale=0.5>"}, ctx);
  ASSERT_TRUE(i32);
  EXPECT_FALSE(IsPackedConstant(**i32->ops().begin()));
  // Codes that are no constant.
  std::unique_ptr<ir::Graph> input = ParseOrDie(R"(
graph @g(%q: i4<per_tensor scale=0.5>[4]) -> (f32[4]) {
  %w = dequantize(%q) : f32[4]
  %y = neg(%w) : f32[4]
  return %y
})",
                                                ctx);
  ASSERT_TRUE(input);
  EXPECT_FALSE(IsPackedConstant(**input->ops().begin()));
  EXPECT_FALSE(CloudTarget().check_supported(**input->ops().begin()).ok());
}

}  // namespace
}  // namespace kiln::codegen
