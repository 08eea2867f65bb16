#include "codegen/cloud/cloud_target.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "codegen/target_registry.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln::codegen {
namespace {

using ::testing::ElementsAre;
using testing::ParseOrDie;
using ::testing::UnorderedElementsAreArray;

// The status of check_supported for the first op of `kir`.
Status CheckFirstOp(std::string_view kir) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  if (!g) return Status::Error("parse failed");
  return CloudTarget().check_supported(**g->ops().begin());
}

TEST(CloudTargetTest, SupportedOpsAreExactlyTheAgreedList) {
  std::vector<std::string> names;
  for (ir::OpKind k : CloudTarget::SupportedOps()) names.emplace_back(ir::OpKindName(k));
  EXPECT_THAT(names, UnorderedElementsAreArray({"conv",
                                                "gemm",
                                                "linear",
                                                "matmul",
                                                "add",
                                                "sub",
                                                "mul",
                                                "div",
                                                "max",
                                                "min",
                                                "pow",
                                                "relu",
                                                "leaky_relu",
                                                "sigmoid",
                                                "tanh",
                                                "clip",
                                                "hard_sigmoid",
                                                "hard_swish",
                                                "silu",
                                                "gelu",
                                                "elu",
                                                "exp",
                                                "log",
                                                "sqrt",
                                                "abs",
                                                "neg",
                                                "erf",
                                                "max_pool",
                                                "average_pool",
                                                "global_average_pool",
                                                "global_max_pool",
                                                "softmax",
                                                "log_softmax",
                                                "layer_norm",
                                                "batch_norm",
                                                "concat",
                                                "flatten",
                                                "reshape",
                                                "squeeze",
                                                "unsqueeze",
                                                "transpose",
                                                "slice",
                                                "gather",
                                                "identity",
                                                "reduce_mean",
                                                "reduce_sum",
                                                "reduce_max",
                                                "pad",
                                                "cast",
                                                "resize"}));
}

TEST(CloudTargetTest, F32ActivationsWithIntegerConstantsAreSupported) {
  EXPECT_TRUE(CheckFirstOp(R"(
graph @g(%x: f32[2,6]) -> (f32[3,4]) {
  %s = const @s : i64[2]
  %y = reshape(%x, %s) : f32[3,4]
  return %y
}
constants {
  @s = [3, 4]
})")
                  .ok());
  EXPECT_TRUE(CheckFirstOp(R"(
graph @g(%x: f32[5,4]) -> (f32[2,4]) {
  %i = const @i : i32[2]
  %y = gather(%x, %i) : f32[2,4]
  return %y
}
constants {
  @i = [0, 3]
})")
                  .ok());
}

TEST(CloudTargetTest, OtherTypesAndOpsAreRejectedWithTheReason) {
  EXPECT_EQ(CheckFirstOp(R"(
graph @g(%x: f32[4]) -> (f32[4]) {
  %y = sin(%x) : f32[4]
  return %y
})")
                .message(),
            "op 'sin' is not supported by target 'cloud'");
  EXPECT_EQ(CheckFirstOp(R"(
graph @g(%x: f16[4]) -> (f16[4]) {
  %y = relu(%x) : f16[4]
  return %y
})")
                .message(),
            "f16 operands are not supported by target 'cloud'");
  EXPECT_EQ(CheckFirstOp(R"(
graph @g(%x: f32[4]) -> (i64[4]) {
  %y = cast(%x) : i64[4]
  return %y
})")
                .message(),
            "i64 results are not supported by target 'cloud'");
  EXPECT_EQ(CheckFirstOp(R"(
graph @g(%x: f32[4]) -> (f32[4]) {
  %w = const @w : i8<per_tensor scale=0.5>[4]
  %y = mul(%x, %w) : f32[4]
  return %y
}
constants {
  @w = [1, 2, 3, 4]
})")
                .message(),
            "op 'mul' on quantized types is not supported by target 'cloud'");
  EXPECT_EQ(CheckFirstOp(R"(
graph @g(%p: bool[], %x: f32[4]) -> (f32[4]) {
  %y = if(%p) : f32[4] {
    graph @then() -> (f32[4]) {
      return %x
    }
    graph @else() -> (f32[4]) {
      return %x
    }
  }
  return %y
})")
                .message(),
            "op 'if' is not supported by target 'cloud'");
}

// The int8 forms oneDNN runs (codegen/cloud/cloud_quantized.h), and why the others are not.
TEST(CloudTargetTest, Int8ConvQuantizeAndDequantizeAreSupported) {
  EXPECT_TRUE(CheckFirstOp(R"(
graph @g(%x: f32[1,2,4,4]) -> (u8<per_tensor scale=0.1>[1,2,4,4]) {
  %y = quantize(%x) : u8<per_tensor scale=0.1>[1,2,4,4]
  return %y
})")
                  .ok());
  EXPECT_TRUE(CheckFirstOp(R"(
graph @g(%x: i32<per_axis axis=0 scales=[0.5,0.25]>[2]) -> (f32[2]) {
  %y = dequantize(%x) : f32[2]
  return %y
})")
                  .ok());
  const char* conv = R"(
graph @g(%x: u8<per_tensor scale=0.1>[1,2,4,4], %r: RTYPE[1,2,4,4]) -> (YTYPE[1,2,4,4]) {
  %w = const @w : i8<per_axis axis=0 scales=[0.5,0.25]>[2,2,1,1]
  %b = const @b : i32<per_axis axis=0 scales=[0.05,0.025]>[2]
  %y = conv(%x, %w, %b, %r) {activation="relu", kernel_shape=[1,1]} : YTYPE[1,2,4,4]
  return %y
}
constants {
  @w = [1, 2, 3, 4]
  @b = [5, 6]
})";
  auto with = [&](const std::string& r, const std::string& y) {
    std::string text = conv;
    for (size_t at; (at = text.find("RTYPE")) != std::string::npos;) text.replace(at, 5, r);
    for (size_t at; (at = text.find("YTYPE")) != std::string::npos;) text.replace(at, 5, y);
    return CheckFirstOp(text);
  };
  EXPECT_TRUE(with("f32", "f32").ok());
  EXPECT_TRUE(with("u8<per_tensor scale=0.3>", "u8<per_tensor scale=0.2>").ok());
  EXPECT_EQ(with("i8<per_tensor scale=0.3>", "u8<per_tensor scale=0.2>").message(),
            "int8 conv with a residual of another type than its result is not supported by "
            "target 'cloud'");
  EXPECT_EQ(CheckFirstOp(R"(
graph @g(%x: u8<per_tensor scale=0.1 zero_point=3>[1,2,4,4]) -> (f32[1,2,4,4]) {
  %w = const @w : i8<per_tensor scale=0.5>[2,2,1,1]
  %y = conv(%x, %w) {kernel_shape=[1,1]} : f32[1,2,4,4]
  return %y
}
constants {
  @w = [1, 2, 3, 4]
})")
                .message(),
            "conv on a quantized input other than u8/i8 per tensor with zero point 0 is not "
            "supported by target 'cloud'");
}

TEST(CloudTargetTest, FourAndFiveDimF32BuffersPadChannelsToSixteen) {
  ir::Context ctx;
  const CloudTarget cloud;
  const ir::TensorType* f32 = ctx.GetType(ir::ScalarType::kF32, ir::Shape::Static({1}));
  const ir::TensorType* i64 = ctx.GetType(ir::ScalarType::kI64, ir::Shape::Static({1}));
  const std::vector<int64_t> nchw = {2, 3, 5, 7};
  EXPECT_EQ(cloud.buffer_bytes(*f32, nchw), 2 * 16 * 5 * 7 * 4);
  EXPECT_EQ(cloud.buffer_bytes(*f32, std::vector<int64_t>{1, 32, 4, 4}), 32 * 16 * 4);
  EXPECT_EQ(cloud.buffer_bytes(*f32, std::vector<int64_t>{1, 17, 2, 2, 2}), 32 * 8 * 4);
  // Other ranks and types are dense.
  EXPECT_EQ(cloud.buffer_bytes(*f32, std::vector<int64_t>{3, 5, 7}), 3 * 5 * 7 * 4);
  EXPECT_EQ(cloud.buffer_bytes(*i64, nchw), 2 * 3 * 5 * 7 * 8);
}

TEST(TargetRegistryTest, FindsCloudAndEdgeAndExplainsTheRest) {
  EXPECT_THAT(TargetNames(), ElementsAre("cloud", "edge"));
  for (std::string_view name : {"cloud", "edge"}) {
    Expected<const Target*> target = FindTarget(name);
    ASSERT_TRUE(target.ok());
    EXPECT_EQ((*target)->name(), name);
  }
  Expected<const Target*> gpu = FindTarget("gpu");
  ASSERT_FALSE(gpu.ok());
  EXPECT_EQ(gpu.error().message(), "unknown target 'gpu' (targets: cloud, edge)");
  // A registry can announce a target before it exists.
  TargetRegistry registry;
  registry.RegisterPlanned("gpu");
  Expected<const Target*> planned = registry.Find("gpu");
  ASSERT_FALSE(planned.ok());
  EXPECT_EQ(planned.error().message(), "target 'gpu' is not available yet (targets: )");
}

}  // namespace
}  // namespace kiln::codegen
