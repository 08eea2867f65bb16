#include "codegen/buffer_requests.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "codegen/bound_shapes.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln::codegen {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ParseOrDie;

const std::map<std::string, int64_t> kNoDims;

// Parses and verifies `kir`, or fails the current test.
std::unique_ptr<ir::Graph> Parse(std::string_view kir, ir::Context& ctx) {
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  if (!g) return nullptr;
  Status verified = ir::VerifyGraph(*g);
  EXPECT_TRUE(verified.ok()) << verified.message();
  return verified.ok() ? std::move(g) : nullptr;
}

// Value names and requests, one "name size [first,last] inplace" string per request.
std::vector<std::string> Describe(const BufferRequests& b) {
  std::vector<std::string> out;
  for (size_t i = 0; i < b.requests.size(); ++i) {
    const BufferRequest& r = b.requests[i];
    out.push_back(b.values[i]->name() + " " + std::to_string(r.size) + " [" +
                  std::to_string(r.first) + "," + std::to_string(r.last) + "] " +
                  std::to_string(r.inplace_of));
  }
  return out;
}

std::string CollectError(std::string_view kir, const std::map<std::string, int64_t>& dims) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  if (!g) return "";
  Expected<BufferRequests> r = CollectBufferRequests(*g, dims);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error().message();
}

constexpr std::string_view kChain = R"(
graph @g(%x: f32[N,4], %y: f32[4]) -> (f32[N,4]) {
  %a = neg(%x) : f32[N,4]
  %b = relu(%a) : f32[N,4]
  %c = add(%a, %b) : f32[N,4]
  %d = mul(%c, %y) : f32[N,4]
  return %d
})";

TEST(CollectBufferRequestsTest, OneRequestPerOpResultWithLifetimesAndInPlace) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = Parse(kChain, ctx);
  ASSERT_TRUE(g);
  Expected<BufferRequests> r = CollectBufferRequests(*g, {{"N", 4}});
  ASSERT_TRUE(r.ok()) << r.error().message();
  // %a is read by %c, so %b cannot overwrite it; %c overwrites %a (dead at %c, same type) and
  // %d overwrites %c; %x is an input and never overwritten. %d is the output: live to op 4.
  EXPECT_THAT(Describe(*r),
              ElementsAre("a 64 [0,2] -1", "b 64 [1,2] -1", "c 64 [2,3] 0", "d 64 [3,4] 2"));
  MemoryPlan plan = PlanMemoryGreedy(r->requests);
  EXPECT_TRUE(CheckMemoryPlan(r->requests, plan).ok());
  EXPECT_THAT(plan.offsets, ElementsAre(0, 64, 0, 0));
  EXPECT_EQ(plan.arena_size, 128);
}

TEST(CollectBufferRequestsTest, SymbolicDimsTakeTheGivenSize) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = Parse(kChain, ctx);
  ASSERT_TRUE(g);
  Expected<BufferRequests> r = CollectBufferRequests(*g, {{"N", 32}});
  ASSERT_TRUE(r.ok()) << r.error().message();
  for (const BufferRequest& b : r->requests) EXPECT_EQ(b.size, 32 * 4 * 4);
}

TEST(CollectBufferRequestsTest, UnknownOrUnboundDimsAreErrorsNamingTheValue) {
  EXPECT_EQ(CollectError(kChain, {}),
            "value '%a' has dim N in f32[N,4], which the given dims do not bind");
  EXPECT_EQ(CollectError(R"(
graph @g(%x: f32[?,4]) -> (f32[?,4]) {
  %a = relu(%x) : f32[?,4]
  return %a
})",
                         {}),
            "value '%a' has dim ? in f32[?,4]; memory planning needs every dim");
  EXPECT_THAT(CollectError(R"(
graph @g(%x: f32[*]) -> (f32[*]) {
  %0 = relu(%x) : f32[*]
  return %0
})",
                           {}),
              HasSubstr("result 0 of op #0 (relu) has an unranked type f32[*]"));
}

TEST(CollectBufferRequestsTest, InPlaceNeedsADyingOpResultOfTheResultsType) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = Parse(R"(
graph @g(%x: f32[2,4], %s: f32[4]) -> (f32[2,4], f32[2,4]) {
  %w = const @w : f32[2,4]
  %a = relu(%x) : f32[2,4]
  %k = exp(%w) : f32[2,4]
  %v = neg(%s) : f32[4]
  %b = add(%v, %a) : f32[2,4]
  %out = neg(%k) : f32[2,4]
  %c = sigmoid(%out) : f32[2,4]
  return %b, %out
}
constants {
  @w = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
})",
                                       ctx);
  ASSERT_TRUE(g);
  Expected<BufferRequests> r = CollectBufferRequests(*g, kNoDims);
  ASSERT_TRUE(r.ok()) << r.error().message();
  // Neither the input %x nor the constant %w is planned or overwritten; %b overwrites %a (the
  // operand of its type), not %v (broadcast); %out overwrites %k; %out is an output, so %c
  // cannot overwrite it.
  EXPECT_THAT(Describe(*r), ElementsAre("a 32 [0,3] -1", "k 32 [1,4] -1", "v 16 [2,3] -1",
                                        "b 32 [3,6] 0", "out 32 [4,6] 1", "c 32 [5,5] -1"));
  EXPECT_TRUE(CheckMemoryPlan(r->requests, PlanMemoryGreedy(r->requests)).ok());
}

TEST(CollectBufferRequestsTest, SubByteTypesArePackedAndRegionsSkipped) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = Parse(R"(
graph @g(%x: i4[5], %p: bool[]) -> (i4[5]) {
  %a = identity(%x) : i4[5]
  %y = if(%p) : i4[5] {
    graph @then() -> (i4[5]) {
      %t = neg(%a) : i4[5]
      return %t
    }
    graph @else() -> (i4[5]) {
      return %a
    }
  }
  return %y
})",
                                       ctx);
  ASSERT_TRUE(g);
  Expected<BufferRequests> r = CollectBufferRequests(*g, kNoDims);
  ASSERT_TRUE(r.ok()) << r.error().message();
  // %a is read inside the `if` (op 1), so it lives through op 1; %t is not planned here.
  EXPECT_THAT(Describe(*r), ElementsAre("a 3 [0,1] -1", "y 3 [1,2] -1"));
}

// A dequantize of constant codes to f32 is a packed constant (codegen/packed_constant.h): the
// artifact holds it as a constant, so it gets no buffer, and no op may write over it in place.
// Lifetimes keep the graph's op indices. A dequantize that is a graph output keeps its buffer.
TEST(CollectBufferRequestsTest, PackedConstantsTakeNoBuffer) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = Parse(R"(
graph @g(%x: f32[2,4]) -> (f32[2,4], f32[4], f32[4]) {
  %wq = const @wq : i4<per_block axis=0 block_size=2 scales=[0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5]>[4,4]
  %cq = const @cq : i8<per_axis axis=0 scales=[0.5,0.25,0.125,1.0]>[4]
  %w = dequantize(%wq) : f32[4,4]
  %m = matmul(%x, %w) : f32[2,4]
  %c = dequantize(%cq) : f32[4]
  %r = relu(%c) : f32[4]
  %o = dequantize(%cq) : f32[4]
  return %m, %r, %o
}
constants {
  @wq = 0x0123456789abcdef
  @cq = [1, 2, 3, 4]
})",
                                       ctx);
  ASSERT_TRUE(g);
  Expected<BufferRequests> r = CollectBufferRequests(*g, kNoDims);
  ASSERT_TRUE(r.ok()) << r.error().message();
  // %r would overwrite %c (same type, dies at the relu) if %c had a buffer.
  EXPECT_THAT(Describe(*r), ElementsAre("m 32 [1,5] -1", "r 16 [3,5] -1", "o 16 [4,5] -1"));
  MemoryPlan plan = PlanMemoryGreedy(r->requests);
  EXPECT_TRUE(CheckMemoryPlan(r->requests, plan).ok());
}

// A resnet-like body: a stem conv, then residual blocks conv-relu-conv-add-relu on one
// activation shape. At most three activations are live at once, so the greedy plan needs
// three buffers however deep the net is; the linear plan needs one per value.
TEST(CollectBufferRequestsTest, ResidualChainNeedsThreeBuffersInsteadOfOnePerValue) {
  constexpr int kBlocks = 8;
  const std::string t = "f32[N,16,32,32]";
  std::string kir =
      "graph @resnet(%x: f32[N,3,32,32]) -> (" + t + ") {\n" +
      "  %stem_w = const @stem_w : f32[16,3,3,3]\n" + "  %w = const @w : f32[16,16,3,3]\n" +
      "  %s = conv(%x, %stem_w) {pads=[1,1,1,1]} : " + t + "\n" + "  %h0 = relu(%s) : " + t + "\n";
  for (int i = 0; i < kBlocks; ++i) {
    const std::string b = std::to_string(i);
    const std::string h = "%h" + b;
    kir += "  %c1_" + b + " = conv(" + h + ", %w) {pads=[1,1,1,1]} : " + t + "\n" + "  %r_" + b +
           " = relu(%c1_" + b + ") : " + t + "\n" + "  %c2_" + b + " = conv(%r_" + b +
           ", %w) {pads=[1,1,1,1]} : " + t + "\n" + "  %sum_" + b + " = add(%c2_" + b + ", " + h +
           ") : " + t + "\n" + "  %h" + std::to_string(i + 1) + " = relu(%sum_" + b + ") : " + t +
           "\n";
  }
  kir += "  return %h" + std::to_string(kBlocks) +
         "\n}\nconstants {\n  @stem_w = " + testing::Values(16 * 3 * 9, 1) +
         "\n  @w = " + testing::Values(16 * 16 * 9, 2) + "\n}\n";

  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(g);
  Expected<BufferRequests> r = CollectBufferRequests(*g, {{"N", 2}});
  ASSERT_TRUE(r.ok()) << r.error().message();
  const int64_t activation = 2 * 16 * 32 * 32 * 4;
  const int num_values = 2 + 5 * kBlocks;
  ASSERT_EQ(r->requests.size(), static_cast<size_t>(num_values));
  int inplace = 0;
  for (const BufferRequest& b : r->requests) inplace += b.inplace_of >= 0;
  EXPECT_EQ(inplace, 1 + 3 * kBlocks);  // every relu and every add

  MemoryPlan linear = PlanMemoryLinear(r->requests);
  MemoryPlan greedy = PlanMemoryGreedy(r->requests);
  EXPECT_TRUE(CheckMemoryPlan(r->requests, linear).ok());
  EXPECT_TRUE(CheckMemoryPlan(r->requests, greedy).ok());
  EXPECT_EQ(linear.arena_size, num_values * activation);
  EXPECT_EQ(greedy.arena_size, 3 * activation);
}

TEST(CollectBufferRequestsTest, ReshapeLikeOpsWriteOverADyingOperandOfTheSameBytes) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = Parse(R"(
graph @g(%x: f32[2,3,4]) -> (f32[6,4], f32[24], f32[2,12]) {
  %s = const @s : i64[2]
  %a = neg(%x) : f32[2,3,4]
  %r = reshape(%a, %s) : f32[6,4]
  %f = flatten(%r) {axis=0} : f32[1,24]
  %q = squeeze(%f) {axes=[0]} : f32[24]
  %u = unsqueeze(%q) {axes=[0]} : f32[1,24]
  %i = identity(%q) : f32[24]
  %b = neg(%x) : f32[2,3,4]
  %c = flatten(%b) {axis=1} : f32[2,12]
  %d = exp(%b) : f32[2,3,4]
  %x2 = reshape(%x, %s) : f32[6,4]
  return %x2, %i, %c
}
constants {
  @s = [6, 4]
})",
                                       ctx);
  ASSERT_TRUE(g);
  Expected<BufferRequests> r = CollectBufferRequests(*g, kNoDims);
  ASSERT_TRUE(r.ok()) << r.error().message();
  // %r, %f and %q chain over %a; %u cannot take %q, which %i reads later; %i takes %q; %c
  // cannot take %b, which %d reads later; %x2 reshapes an input, which is never overwritten.
  EXPECT_THAT(Describe(*r),
              ElementsAre("a 96 [0,1] -1", "r 96 [1,2] 0", "f 96 [2,3] 1", "q 96 [3,5] 2",
                          "u 96 [4,4] -1", "i 96 [5,10] 3", "b 96 [6,8] -1", "c 96 [7,10] -1",
                          "d 96 [8,8] 6", "x2 96 [9,10] -1"));
  MemoryPlan plan = PlanMemoryGreedy(r->requests);
  EXPECT_TRUE(CheckMemoryPlan(r->requests, plan).ok());
  EXPECT_EQ(plan.offsets[0], plan.offsets[3]);
}

TEST(CollectBufferRequestsTest, ConvAndLinearAccumulateIntoTheirDyingResidual) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = Parse(R"(
graph @g(%x: f32[1,2,4,4], %t: f32[3,4]) -> (f32[1,2,4,4], f32[3,4], f32[3,4]) {
  %w = const @w : f32[2,2,1,1]
  %m = const @m : f32[4,4]
  %r = neg(%x) : f32[1,2,4,4]
  %c = conv(%x, %w, _, %r) : f32[1,2,4,4]
  %s = neg(%t) : f32[3,4]
  %l = linear(%t, %m, _, %s) : f32[3,4]
  %k = exp(%s) : f32[3,4]
  return %c, %l, %k
}
constants {
  @w = [1.0, 0.0, 0.0, 1.0]
  @m = )" + testing::Values(16, 4) + R"(
})",
                                       ctx);
  ASSERT_TRUE(g);
  Expected<BufferRequests> r = CollectBufferRequests(*g, kNoDims);
  ASSERT_TRUE(r.ok()) << r.error().message();
  // The conv writes over %r, which dies there; %s is read again by %k, so the linear cannot.
  EXPECT_THAT(Describe(*r), ElementsAre("r 128 [0,1] -1", "c 128 [1,5] 0", "s 48 [2,4] -1",
                                        "l 48 [3,5] -1", "k 48 [4,5] 2"));
}

TEST(CollectBufferRequestsTest, InPlaceNeedsEqualBytesUnderTheGivenSizes) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = Parse(R"(
graph @g(%x: f32[1,3,2,2]) -> (f32[1,12]) {
  %a = relu(%x) : f32[1,3,2,2]
  %f = flatten(%a) {axis=1} : f32[1,12]
  return %f
})",
                                       ctx);
  ASSERT_TRUE(g);
  // Pad dim 1 of 4-D buffers to 16, as a blocked layout would: the flatten no longer fits.
  BufferRequestOptions options;
  options.bytes = [](const ir::TensorType& type, std::span<const int64_t> dims) {
    if (dims.size() != 4) return DenseBytes(type, dims);
    return dims[0] * 16 * dims[2] * dims[3] * 4;
  };
  Expected<BufferRequests> padded = CollectBufferRequests(*g, options);
  ASSERT_TRUE(padded.ok()) << padded.error().message();
  EXPECT_THAT(Describe(*padded), ElementsAre("a 256 [0,1] -1", "f 48 [1,2] -1"));
  Expected<BufferRequests> dense = CollectBufferRequests(*g, kNoDims);
  ASSERT_TRUE(dense.ok()) << dense.error().message();
  EXPECT_THAT(Describe(*dense), ElementsAre("a 48 [0,1] -1", "f 48 [1,2] 0"));
}

TEST(CollectBufferRequestsTest, UnknownDimsComeFromBoundShapes) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = Parse(R"(
graph @g(%x: f32[N,8]) -> (f32[?,4]) {
  %s = const @s : i64[2]
  %r = reshape(%x, %s) : f32[?,4]
  return %r
}
constants {
  @s = [-1, 4]
})",
                                       ctx);
  ASSERT_TRUE(g);
  const std::string before = ir::PrintGraph(*g);
  BoundShapes shapes = InferBoundShapes(*g, {{"N", 3}});
  EXPECT_EQ(ir::PrintGraph(*g), before);  // types are restored
  const ir::Value* r = g->output(0);
  ASSERT_EQ(shapes.count(r), 1u);
  EXPECT_THAT(shapes.at(r), ElementsAre(6, 4));

  BufferRequestOptions options;
  options.dims = {{"N", 3}};
  EXPECT_FALSE(CollectBufferRequests(*g, options).ok());
  options.bound_shapes = &shapes;
  Expected<BufferRequests> requests = CollectBufferRequests(*g, options);
  ASSERT_TRUE(requests.ok()) << requests.error().message();
  EXPECT_THAT(Describe(*requests), ElementsAre("r 96 [0,1] -1"));
}

TEST(InferBoundShapesTest, DataDependentDimsStayUnknown) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = Parse(R"(
graph @g(%x: f32[N,4]) -> (i64[2,?], f32[N,4]) {
  %n = non_zero(%x) : i64[2,?]
  %y = relu(%x) : f32[N,4]
  return %n, %y
})",
                                       ctx);
  ASSERT_TRUE(g);
  BoundShapes shapes = InferBoundShapes(*g, {{"N", 5}});
  EXPECT_EQ(shapes.count(g->output(0)), 0u);
  EXPECT_THAT(shapes.at(g->output(1)), ElementsAre(5, 4));
}

}  // namespace
}  // namespace kiln::codegen
