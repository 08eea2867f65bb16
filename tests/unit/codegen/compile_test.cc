#include "codegen/compile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "codegen/schema/kiln_artifact_generated.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln::codegen {
namespace {

namespace art = kiln::artifact;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ParseOrDie;

Expected<CompiledModel> Compile(std::string_view kir, const CompileOptions& options) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  if (!g) return Status::Error("parse failed");
  return CompileModel(*g, options);
}

std::string CompileError(std::string_view kir, const CompileOptions& options) {
  Expected<CompiledModel> m = Compile(kir, options);
  EXPECT_FALSE(m.ok());
  return m.ok() ? "" : m.error().message();
}

const art::Model* Verified(const std::vector<uint8_t>& bytes) {
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  EXPECT_TRUE(art::VerifyModelBuffer(verifier));
  return art::GetModel(bytes.data());
}

// The tensor an op result named `name` became.
const art::Tensor* TensorNamed(const art::Model& m, std::string_view name) {
  for (const art::Tensor* t : *m.tensors()) {
    if (t->name()->string_view() == name) return t;
  }
  ADD_FAILURE() << "no tensor " << name;
  return nullptr;
}

// conv + batch_norm + relu: -O2 folds the batch norm and fuses the relu into the conv.
std::string ConvNet() {
  return "graph @net(%x: f32[N,3,8,8]) -> (f32[N,4,8,8]) {\n"
         "  %w = const @w : f32[4,3,3,3]\n"
         "  %scale = const @scale : f32[4]\n"
         "  %bias = const @bias : f32[4]\n"
         "  %mean = const @mean : f32[4]\n"
         "  %var = const @var : f32[4]\n"
         "  %c = conv(%x, %w) {pads=[1,1,1,1]} : f32[N,4,8,8] loc(\"Conv_0\")\n"
         "  %b = batch_norm(%c, %scale, %bias, %mean, %var) {epsilon=1e-05} : f32[N,4,8,8] "
         "loc(\"BN_1\")\n"
         "  %y = relu(%b) : f32[N,4,8,8] loc(\"Relu_2\")\n"
         "  return %y as \"out\"\n"
         "}\n"
         "constants {\n"
         "  @w = " +
         testing::Values(4 * 3 * 9, 1) + "\n  @scale = [1.0, 2.0, 0.5, 1.5]\n" +
         "  @bias = [0.0, 0.1, -0.1, 0.2]\n  @mean = [0.0, 0.5, 0.25, -0.5]\n" +
         "  @var = [1.0, 4.0, 0.25, 1.0]\n}\n";
}

TEST(CompileModelTest, OptimizesPlansAndReports) {
  Expected<CompiledModel> m = Compile(ConvNet(), {});
  ASSERT_TRUE(m.ok()) << m.error().message();
  const CompileReport& r = m->report;
  EXPECT_EQ(r.target, "cloud");
  EXPECT_EQ(r.num_ops_before, 3);
  EXPECT_THAT(r.ops_before,
              ElementsAre(std::pair{"batch_norm", 1}, std::pair{"conv", 1}, std::pair{"relu", 1}));
  EXPECT_EQ(r.num_ops, 1);
  EXPECT_THAT(r.ops_after, ElementsAre(std::pair{"conv", 1}));
  EXPECT_THAT(r.dims, ElementsAre(std::pair{"N", 1}));  // every symbol defaults to 1
  // One f32[1,4,8,8] result, channels padded to 16 for blocked layouts.
  EXPECT_EQ(r.arena_bytes, 16 * 8 * 8 * 4);
  EXPECT_EQ(r.linear_arena_bytes, r.arena_bytes);
  EXPECT_EQ(r.artifact_bytes, static_cast<int64_t>(m->artifact.size()));

  const art::Model* model = Verified(m->artifact);
  EXPECT_EQ(model->target()->str(), "cloud");
  EXPECT_EQ(model->compiler_version()->str(), std::string(CompilerVersion()));
  EXPECT_THAT(CompilerVersion(), HasSubstr("kiln "));
  ASSERT_EQ(model->ops()->size(), 1u);
  EXPECT_EQ(model->ops()->Get(0)->kernel()->str(), "conv");
  EXPECT_EQ(model->ops()->Get(0)->attrs()->LookupByKey("activation")->s()->str(), "relu");
  EXPECT_EQ(r.num_tensors, static_cast<int64_t>(model->tensors()->size()));
  EXPECT_EQ(r.constant_bytes, static_cast<int64_t>(model->constants()->size()));
  EXPECT_EQ(TensorNamed(*model, "out")->bytes(), 16u * 8 * 8 * 4);
}

TEST(CompileModelTest, CompilingTwiceGivesTheSameBytes) {
  CompileOptions options{.max_dims = {{"N", 4}},
                         .source_hash = "fnv1a64:00000000000000ff",
                         .metadata = {{"source", "net.kir"}}};
  Expected<CompiledModel> a = Compile(ConvNet(), options);
  Expected<CompiledModel> b = Compile(ConvNet(), options);
  ASSERT_TRUE(a.ok()) << a.error().message();
  ASSERT_TRUE(b.ok()) << b.error().message();
  EXPECT_EQ(a->artifact, b->artifact);
  options.opt_level = 1;
  Expected<CompiledModel> c = Compile(ConvNet(), options);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_NE(a->artifact, c->artifact);
}

TEST(CompileModelTest, SymbolBoundsSizeTheArena) {
  Expected<CompiledModel> one = Compile(ConvNet(), {});
  Expected<CompiledModel> eight = Compile(ConvNet(), {.max_dims = {{"N", 8}}});
  ASSERT_TRUE(one.ok() && eight.ok());
  EXPECT_EQ(eight->report.arena_bytes, 8 * one->report.arena_bytes);
  const art::Model* model = Verified(eight->artifact);
  ASSERT_EQ(model->dims()->size(), 1u);
  EXPECT_EQ(model->dims()->Get(0)->symbol()->str(), "N");
  EXPECT_EQ(model->dims()->Get(0)->max(), 8);
  EXPECT_EQ(TensorNamed(*model, "x")->shape()->Get(0), -1);

  EXPECT_EQ(CompileError(ConvNet(), {.max_dims = {{"M", 2}}}),
            "max dim 'M' names no symbolic dim of the model (it has: N)");
  EXPECT_EQ(CompileError(ConvNet(), {.max_dims = {{"N", 0}}}), "max dim N=0 must be at least 1");
}

TEST(CompileModelTest, UnsupportedOpsNameTheNode) {
  EXPECT_EQ(CompileError(R"(
graph @g(%x: f32[4]) -> (f32[4]) {
  %a = relu(%x) : f32[4] loc("Relu_0")
  %b = sin(%a) : f32[4] loc("Sin_1")
  %c = cos(%b) : f32[4]
  return %c
})",
                         {}),
            "node 'Sin_1': op 'sin' is not supported by target 'cloud' (and 1 more unsupported "
            "op)");
  EXPECT_EQ(CompileError(R"(
graph @g(%x: f16[4]) -> (f16[4]) {
  %a = relu(%x) : f16[4]
  return %a
})",
                         {}),
            "op #0 (relu): f16 operands are not supported by target 'cloud'");
  EXPECT_EQ(CompileError("graph @g(%x: f32[4]) -> (f32[4]) {\n  return %x\n}", {.target = "gpu"}),
            "unknown target 'gpu' (targets: cloud, edge)");
}

TEST(CompileModelTest, OutputsThatAreInputsGetAnIdentity) {
  Expected<CompiledModel> m = Compile(R"(
graph @g(%x: f32[N,4]) -> (f32[N,4]) {
  return %x as "y"
})",
                                      {.max_dims = {{"N", 3}}});
  ASSERT_TRUE(m.ok()) << m.error().message();
  const art::Model* model = Verified(m->artifact);
  ASSERT_EQ(model->ops()->size(), 1u);
  EXPECT_EQ(model->ops()->Get(0)->kernel()->str(), "identity");
  const art::Tensor* y = model->tensors()->Get(model->outputs()->Get(0));
  EXPECT_EQ(y->name()->str(), "y");
  EXPECT_EQ(y->storage(), art::Storage::Arena);
  EXPECT_EQ(y->bytes(), 3u * 4 * 4);
}

// A reshape to [128,-1,32] of f32[128,N,256] is f32[128,?,32] in the IR (8N is no symbol);
// its size at the bound comes from shape inference with N bound.
constexpr std::string_view kHeads = R"(
graph @heads(%x: f32[128,N,256]) -> (f32[?,128,32]) {
  %s = const @s : i64[3]
  %a = relu(%x) : f32[128,N,256]
  %r = reshape(%a, %s) : f32[128,?,32] loc("Reshape_1")
  %t = transpose(%r) {perm=[1,0,2]} : f32[?,128,32]
  return %t
}
constants {
  @s = [128, -1, 32]
})";

TEST(CompileModelTest, UnknownDimsAreWorkedOutAtTheBounds) {
  Expected<CompiledModel> m = Compile(kHeads, {.pipeline = "", .max_dims = {{"N", 2}}});
  ASSERT_TRUE(m.ok()) << m.error().message();
  const art::Model* model = Verified(m->artifact);
  const art::Tensor* a = TensorNamed(*model, "a");
  const art::Tensor* r = TensorNamed(*model, "r");
  const art::Tensor* t = TensorNamed(*model, "t");
  const uint64_t bytes = 128 * 2 * 256 * 4;
  EXPECT_EQ(a->bytes(), bytes);
  EXPECT_EQ(r->bytes(), bytes);
  EXPECT_EQ(t->bytes(), bytes);
  // The reshape writes over its dying operand: same bytes, no copy needed.
  EXPECT_EQ(r->offset(), a->offset());
  EXPECT_THAT(std::vector<int64_t>(r->shape()->begin(), r->shape()->end()),
              ElementsAre(128, -1, 32));
  EXPECT_EQ(r->symbols()->Get(1)->str(), "?");
  EXPECT_EQ(m->report.arena_bytes, 2 * static_cast<int64_t>(bytes));
}

TEST(CompileModelTest, DimsThatStayUnknownAreAnErrorNamingTheValue) {
  // 4N elements cannot be reshaped to [-1, 3] at N=1: the dim stays unknown.
  EXPECT_EQ(CompileError(R"(
graph @g(%x: f32[N,4]) -> (f32[?,3]) {
  %s = const @s : i64[2]
  %a = relu(%x) : f32[N,4]
  %r = reshape(%a, %s) : f32[?,3] loc("Reshape_7")
  return %r
}
constants {
  @s = [-1, 3]
})",
                         {.pipeline = ""}),
            "value '%r' (node 'Reshape_7') has type f32[?,3], whose dims shape inference cannot "
            "work out with N=1; compiling needs every dim");
  EXPECT_EQ(CompileError(R"(
graph @g(%x: f32[?,4]) -> (f32[?,4]) {
  %a = relu(%x) : f32[?,4]
  return %a
})",
                         {}),
            "input 'x' has type f32[?,4]; an artifact needs every input dim static or named");
}

TEST(CompileModelTest, ReshapeLikeOpsShareTheirOperandsBuffer) {
  Expected<CompiledModel> m = Compile(R"(
graph @g(%x: f32[1,16,2,2]) -> (f32[1,4]) {
  %w = const @w : f32[4,64]
  %a = relu(%x) : f32[1,16,2,2]
  %f = flatten(%a) {axis=1} : f32[1,64]
  %u = unsqueeze(%f) {axes=[0]} : f32[1,1,64]
  %q = squeeze(%u) {axes=[0]} : f32[1,64]
  %y = gemm(%q, %w) {trans_b=1} : f32[1,4]
  return %y
}
constants {
  @w = )" + testing::Values(4 * 64, 3) + R"(
})",
                                      {.pipeline = ""});
  ASSERT_TRUE(m.ok()) << m.error().message();
  const art::Model* model = Verified(m->artifact);
  const uint64_t offset = TensorNamed(*model, "a")->offset();
  EXPECT_EQ(TensorNamed(*model, "f")->offset(), offset);
  EXPECT_EQ(TensorNamed(*model, "u")->offset(), offset);
  EXPECT_EQ(TensorNamed(*model, "q")->offset(), offset);
  EXPECT_LT(m->report.arena_bytes, m->report.linear_arena_bytes);
}

TEST(CompileModelTest, PipelineErrorsComeBack) {
  EXPECT_THAT(CompileError(ConvNet(), {.pipeline = "csee"}), HasSubstr("unknown pass 'csee'"));
}

}  // namespace
}  // namespace kiln::codegen
