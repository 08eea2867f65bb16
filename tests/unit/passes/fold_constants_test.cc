// fold-constants: folded graphs compute what the originals did, a second run changes nothing,
// the size rule keeps big generated tensors as ops (a Range/Expand/ConstantOfShape-heavy model
// grows by less than 1%), and what cannot be folded is left as it was.
#include "passes/cleanup/fold_constants.h"

#include <gtest/gtest.h>

#include <numeric>

#include "ir/builder.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "passes/pass_context.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

using testing::IsIdempotent;
using testing::ParseOrDie;
using testing::PreservesNumerics;

constexpr std::string_view kCleanup =
    "fixpoint(eliminate-noops,fold-constants,infer-shapes,simplify-shapes,cse,dce)";

// A torch export's attention input projection: identities in front of a shared weight, shape
// code on the weights, a transposed single-use weight, a scale computed from a dim.
constexpr std::string_view kAttention = R"(
graph @attention(%x: f32[N,4,8]) -> (f32[*], f32[N,4,8]) {
  %wq = const @wq : f32[8,8]
  %wk = const @wk : f32[8,8]
  %zero = const @zero : i64[]
  %one = const @one : i64[]
  %heads = const @heads : i64[1]
  %minus_one = const @minus_one : i64[1]
  %wq1 = identity(%wq) : f32[8,8]
  %wq2 = identity(%wq) : f32[8,8]
  %wkt = transpose(%wk) : f32[8,8]
  %q = matmul(%x, %wq1) : f32[N,4,8]
  %k = matmul(%x, %wkt) : f32[N,4,8]
  %s = shape(%wq2) : i64[2]
  %d = gather(%s, %one) {axis=0} : i64[]
  %du = unsqueeze(%d) {axes=[0]} : i64[1]
  %hd = div(%du, %heads) : i64[1]
  %target = concat(%minus_one, %heads, %hd) {axis=0} : i64[3]
  %qr = reshape(%q, %target) : f32[*]
  %df = cast(%d) : f32[]
  %scale = sqrt(%df) : f32[]
  %ks = div(%k, %scale) : f32[N,4,8]
  return %qr, %ks
}
constants {
  @wq = 0x000080bf000020bf000080be0000003e0000003f0000603f000060bf000000bf000000be0000803e0000203f0000803f000040bf0000c0be000000000000c03e0000403f000080bf000020bf000080be0000003e0000003f0000603f000060bf000000bf000000be0000803e0000203f0000803f000040bf0000c0be000000000000c03e0000403f000080bf000020bf000080be0000003e0000003f0000603f000060bf000000bf000000be0000803e0000203f0000803f000040bf0000c0be000000000000c03e0000403f000080bf000020bf000080be0000003e0000003f0000603f000060bf000000bf000000be0000803e0000203f0000803f000040bf
  @wk = 0x0000c0bf0000a03f0000403f0000803e000080be000040bf0000a0bf0000c03f0000803f0000003f00000000000000bf000080bf0000c0bf0000a03f0000403f0000803e000080be000040bf0000a0bf0000c03f0000803f0000003f00000000000000bf000080bf0000c0bf0000a03f0000403f0000803e000080be000040bf0000a0bf0000c03f0000803f0000003f00000000000000bf000080bf0000c0bf0000a03f0000403f0000803e000080be000040bf0000a0bf0000c03f0000803f0000003f00000000000000bf000080bf0000c0bf0000a03f0000403f0000803e000080be000040bf0000a0bf0000c03f0000803f0000003f00000000000000bf
  @zero = [0]
  @one = [1]
  @heads = [2]
  @minus_one = [-1]
}
)";

TEST(FoldConstantsTest, PreservesNumerics) {
  EXPECT_TRUE(PreservesNumerics(kAttention, "fold-constants"));
  EXPECT_TRUE(PreservesNumerics(kAttention, "fold-constants,dce"));
  for (int64_t n : {1, 3}) {
    EXPECT_TRUE(PreservesNumerics(kAttention, kCleanup, {.dims = {{"N", n}}})) << "N=" << n;
  }
}

TEST(FoldConstantsTest, IsIdempotent) {
  EXPECT_TRUE(IsIdempotent(kAttention, "fold-constants"));
  EXPECT_TRUE(IsIdempotent(kAttention, "fold-constants,dce"));
  EXPECT_TRUE(IsIdempotent(kAttention, kCleanup));
}

PassOptions Option(std::string key, std::string value) {
  PassOptions options;
  options.Set(std::move(key), std::move(value));
  return options;
}

TEST(FoldConstantsTest, OptionsAreCheckedAndParsed) {
  Expected<std::unique_ptr<Pass>> pass = FoldConstantsPass::Create(PassOptions());
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ((*pass)->name(), "fold-constants");
  EXPECT_TRUE(FoldConstantsPass::Create(Option("max-growth-bytes", "0")).ok());
  EXPECT_EQ(FoldConstantsPass::Create(Option("max-growth", "1")).error().message(),
            "pass 'fold-constants' has no option 'max-growth'");
  EXPECT_EQ(FoldConstantsPass::Create(Option("max-growth-bytes", "lots")).error().message(),
            "pass 'fold-constants': option 'max-growth-bytes' expects an integer, got 'lots'");
  EXPECT_FALSE(FoldConstantsPass::Create(Option("max-growth-bytes", "-1")).ok());
}

class FoldConstantsGraphTest : public ::testing::Test {
 protected:
  // Runs the pass once (the result must verify, and a second run must change nothing).
  bool Fold(int64_t max_growth_bytes = FoldConstantsPass::kDefaultMaxGrowthBytes) {
    FoldConstantsPass pass(max_growth_bytes);
    pc_.SetCurrentPass(pass.name());
    const bool changed = pass.run(graph_, pc_).changed();
    Status s = ir::VerifyGraph(graph_);
    EXPECT_TRUE(s.ok()) << s.message();
    PassContext again;
    again.SetCurrentPass(pass.name());
    EXPECT_FALSE(pass.run(graph_, again).changed()) << ir::PrintGraph(graph_);
    return changed;
  }
  int64_t Stat(std::string_view name) const { return pc_.GetStatistic("fold-constants", name); }
  ir::Value* Weight(int64_t n, std::string_view name) {
    std::vector<float> v(n);
    std::iota(v.begin(), v.end(), 1.0f);
    return b_.ConstantF32({n}, v, name);
  }
  ir::Value* Unary(ir::OpKind kind, ir::Value* x) { return b_.Create(kind, {x}, x->type()); }

  ir::Context ctx_;
  ir::Graph graph_{ctx_, "net"};
  ir::Builder b_{graph_};
  PassContext pc_;
};

TEST_F(FoldConstantsGraphTest, FoldsIntoANamedConstantAndKeepsTheOutputName) {
  ir::Value* w = Weight(4, "w");
  ir::Value* n = Unary(ir::OpKind::kNeg, w);
  n->set_name("negated");
  graph_.AddOutput(n, "y");
  EXPECT_TRUE(Fold());
  EXPECT_EQ(graph_.num_ops(), 0u);
  ir::Value* c = graph_.output(0);
  ASSERT_TRUE(c->is_constant());
  EXPECT_EQ(graph_.output_name(0), "y");
  EXPECT_EQ(c->name(), "negated");
  EXPECT_EQ(c->constant()->name, "negated");
  EXPECT_EQ(c->type(), b_.Type(ir::ScalarType::kF32, {4}));
  std::span<const float> v = c->constant()->data->As<float>();
  EXPECT_EQ(std::vector<float>(v.begin(), v.end()), (std::vector<float>{-1, -2, -3, -4}));
  EXPECT_EQ(Stat("ops-folded"), 1);
  EXPECT_EQ(Stat("bytes-added"), 0);  // w is left unused
}

TEST_F(FoldConstantsGraphTest, SharedWeightsStayUnlessTheGrowthFits) {
  // 512 bytes that a relu also reads: folding neg would add 512 bytes, over the 256 allowed.
  ir::Value* w = Weight(128, "w");
  graph_.AddOutput(Unary(ir::OpKind::kNeg, w));
  graph_.AddOutput(Unary(ir::OpKind::kRelu, w));
  EXPECT_FALSE(Fold());
  EXPECT_EQ(Stat("ops-kept-too-large"), 2);
  EXPECT_EQ(graph_.num_ops(), 2u);
  // With room for the growth both fold (the second then frees w).
  EXPECT_TRUE(Fold(512));
  EXPECT_EQ(graph_.num_ops(), 0u);
  EXPECT_EQ(Stat("bytes-added"), 512);
}

TEST_F(FoldConstantsGraphTest, AFoldReleasesItsOperandsForTheNextUser) {
  // reduce_sum(w) is tiny and folds; then neg is w's only user and may replace it.
  ir::Value* w = Weight(128, "w");
  ir::AttrMap keep;
  keep.Set("keepdims", int64_t{0});
  graph_.AddOutput(b_.Create(ir::OpKind::kReduceSum, {w}, b_.Type(ir::ScalarType::kF32, {}), keep));
  graph_.AddOutput(Unary(ir::OpKind::kNeg, w));
  EXPECT_TRUE(Fold());
  EXPECT_EQ(graph_.num_ops(), 0u);
  EXPECT_EQ(Stat("ops-folded"), 2);
  EXPECT_EQ(Stat("bytes-added"), 4);
}

TEST_F(FoldConstantsGraphTest, AnOperandUsedTwiceByTheOpIsStillFreed) {
  ir::Value* w = Weight(128, "w");
  graph_.AddOutput(b_.Create(ir::OpKind::kAdd, {w, w}, w->type()));
  EXPECT_TRUE(Fold(0));
  EXPECT_EQ(Stat("bytes-added"), 0);
}

TEST_F(FoldConstantsGraphTest, APoolEntryTwoValuesShareIsNotFreed) {
  ir::Value* w = Weight(128, "w");
  ir::Value* alias = graph_.AddConstantRef(w->constant());
  graph_.AddOutput(Unary(ir::OpKind::kNeg, w));
  graph_.AddOutput(Unary(ir::OpKind::kRelu, alias));
  EXPECT_FALSE(Fold());
  EXPECT_EQ(Stat("ops-kept-too-large"), 2);
}

TEST_F(FoldConstantsGraphTest, RuntimeErrorsLeaveTheOp) {
  // Index 5 of 3 elements: the runtime rejects it; the pipeline goes on.
  ir::Value* w = Weight(3, "w");
  ir::Value* index = b_.ConstantI64({}, {5}, "index");
  graph_.AddOutput(b_.Create(ir::OpKind::kGather, {w, index}, b_.Type(ir::ScalarType::kF32, {})));
  EXPECT_FALSE(Fold());
  EXPECT_EQ(Stat("ops-failed"), 1);
  EXPECT_EQ(graph_.num_ops(), 1u);
}

TEST_F(FoldConstantsGraphTest, UsedResultsOnly) {
  // split: the unused half gets no constant; an op with no used result is left to dce.
  ir::Value* w = Weight(4, "w");
  ir::AttrMap attrs;
  attrs.Set("axis", int64_t{0});
  attrs.Set("num_outputs", int64_t{2});
  const ir::TensorType* half = b_.Type(ir::ScalarType::kF32, {2});
  ir::Op* split = b_.CreateOp(ir::OpKind::kSplit, {w}, {half, half}, attrs);
  Unary(ir::OpKind::kNeg, w);  // dead
  graph_.AddOutput(split->result(1));
  EXPECT_TRUE(Fold());
  EXPECT_EQ(Stat("ops-folded"), 1);
  EXPECT_EQ(graph_.num_ops(), 1u);
  EXPECT_EQ(graph_.num_constants(), 2);
  std::span<const float> v = graph_.output(0)->constant()->data->As<float>();
  EXPECT_EQ(std::vector<float>(v.begin(), v.end()), (std::vector<float>{3, 4}));
}

TEST_F(FoldConstantsGraphTest, SkipsDropoutQuantizedResultsRegionsAndUnknownSizes) {
  ir::Value* w = Weight(3, "w");
  graph_.AddOutput(Unary(ir::OpKind::kDropout, w));
  const ir::TensorType* q =
      ctx_.GetType(ir::ScalarType::kI8, ir::Shape::Static({3}), ir::QuantSpec::PerTensor(0.5f));
  graph_.AddOutput(b_.Create(ir::OpKind::kQuantize, {w}, q));
  ir::Value* flag = graph_.AddConstant(ctx_.GetType(ir::ScalarType::kBool, ir::Shape()),
                                       ir::TensorData::FromVector<uint8_t>({1}), "flag");
  ir::Op* branch = b_.CreateOp(ir::OpKind::kIf, {flag}, {w->type()});
  for (const char* name : {"then", "else"}) {
    ir::Graph& region = branch->AddRegion(name);
    region.AddOutput(region.CreateOp(ir::OpKind::kNeg, {w}, {w->type()})->result(0));
  }
  graph_.AddOutput(branch->result(0));
  const ir::TensorType* nz =
      ctx_.GetType(ir::ScalarType::kI64, ir::Shape({ir::Dim(1), ir::Dim::Unknown()}));
  graph_.AddOutput(b_.Create(ir::OpKind::kNonZero, {w}, nz));
  EXPECT_FALSE(Fold());
  EXPECT_EQ(Stat("ops-kept-unknown-size"), 1);
  EXPECT_EQ(graph_.num_ops(), 4u);
  EXPECT_EQ(branch->region(0).num_ops(), 1u);
}

// Total bytes of the pool after dce: what the model file stores.
int64_t ConstantBytes(ir::Graph& graph) {
  EXPECT_TRUE(testing::RunPipelineOn(graph, "dce").ok());
  int64_t bytes = 0;
  for (const auto& c : graph.pool().entries()) bytes += static_cast<int64_t>(c->data->size());
  return bytes;
}

int CountOps(const ir::Graph& graph, ir::OpKind kind) {
  int n = 0;
  for (const ir::Op* op : graph.ops()) n += op->kind() == kind;
  return n;
}

// A decoder block's inputs as a torch export leaves them: embeddings, position ids from a
// range, a causal mask from constant_of_shape, a bias expanded from a scalar, shape code on the
// weights, identities in front of shared weights, and a transposed single-use weight.
void BuildGeneratorHeavyModel(ir::Graph& g) {
  ir::Builder b(g);
  ir::Context& ctx = g.context();
  const int64_t vocab = 512, dim = 64, seq = 128, heads = 4;
  auto weights = [&](std::vector<int64_t> sizes, std::string_view name) {
    std::vector<float> v(ir::Shape::Static(sizes).num_elements().value());
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>((i * 7919) % 97) / 97.0f - 0.5f;
    return b.ConstantF32(sizes, v, name);
  };
  auto scalar_i64 = [&](int64_t v, std::string_view name) { return b.ConstantI64({}, {v}, name); };
  const ir::Dim n = ir::Dim::Symbol("N");
  auto f32 = [&](std::vector<ir::Dim> dims) { return b.F32(std::move(dims)); };
  auto i64 = [&](std::vector<ir::Dim> dims) {
    return ctx.GetType(ir::ScalarType::kI64, ir::Shape(std::move(dims)));
  };
  auto attrs = [](std::string_view name, ir::AttrValue v) {
    ir::AttrMap a;
    a.Set(name, std::move(v));
    return a;
  };

  ir::Value* ids = g.AddInput("ids", i64({n, ir::Dim(seq)}));
  ir::Value* embedding = weights({vocab, dim}, "embedding");
  ir::Value* wo = weights({dim, dim}, "wo");
  ir::Value* wk = weights({dim, dim}, "wk");

  // Generators whose results would be big.
  ir::Value* zero = scalar_i64(0, "zero");
  ir::Value* one = scalar_i64(1, "one");
  ir::Value* positions =
      b.Create(ir::OpKind::kRange, {zero, scalar_i64(seq, "seq"), one}, i64({ir::Dim::Unknown()}));
  ir::Value* far = b.Create(ir::OpKind::kRange, {zero, scalar_i64(100000, "max_positions"), one},
                            i64({ir::Dim::Unknown()}));
  ir::Value* square = b.ConstantI64({2}, {seq, seq}, "square");
  ir::Value* mask =
      b.Create(ir::OpKind::kConstantOfShape, {square},
               f32({ir::Dim::Unknown(), ir::Dim::Unknown()}), attrs("value", -10000.0));
  ir::Value* bias_shape = b.ConstantI64({3}, {heads, seq, seq}, "bias_shape");
  ir::Value* bias =
      b.Create(ir::OpKind::kExpand, {b.ConstantF32({}, {0.0f}, "bias_value"), bias_shape},
               f32({ir::Dim(heads), ir::Dim(seq), ir::Dim(seq)}));

  // The block: gather embeddings, add position embeddings, project with shared weights.
  ir::Value* x = b.Create(ir::OpKind::kGather, {embedding, ids},
                          f32({n, ir::Dim(seq), ir::Dim(dim)}), attrs("axis", int64_t{0}));
  ir::Value* pos = b.Create(ir::OpKind::kGather, {embedding, positions},
                            f32({ir::Dim(seq), ir::Dim(dim)}), attrs("axis", int64_t{0}));
  ir::Value* h = b.Create(ir::OpKind::kAdd, {x, pos}, f32({n, ir::Dim(seq), ir::Dim(dim)}));
  ir::Value* wo1 = b.Create(ir::OpKind::kIdentity, {wo}, wo->type());
  ir::Value* wo2 = b.Create(ir::OpKind::kIdentity, {wo}, wo->type());
  ir::Value* wkt = b.Create(ir::OpKind::kTranspose, {wk}, wk->type());
  ir::Value* k = b.Create(ir::OpKind::kMatMul, {h, wkt}, h->type());
  ir::Value* o = b.Create(ir::OpKind::kMatMul, {k, wo1}, h->type());
  ir::Value* o2 = b.Create(ir::OpKind::kMatMul, {o, wo2}, h->type());
  // Shape code on the weight: [-1, heads, dim / heads] from shape(wo).
  ir::Value* s = b.Create(ir::OpKind::kShape, {wo}, i64({ir::Dim(2)}));
  ir::Value* d = b.Create(ir::OpKind::kGather, {s, one}, i64({}), attrs("axis", int64_t{0}));
  ir::Value* hd = b.Create(ir::OpKind::kDiv, {d, scalar_i64(heads, "heads")}, i64({}));
  ir::Value* hdu = b.Create(ir::OpKind::kUnsqueeze, {hd}, i64({ir::Dim(1)}),
                            attrs("axes", std::vector<int64_t>{0}));
  ir::Value* target = b.Create(ir::OpKind::kConcat, {b.ConstantI64({2}, {-1, heads}, "lead"), hdu},
                               i64({ir::Dim(3)}), attrs("axis", int64_t{0}));
  ir::Value* split = b.Create(ir::OpKind::kReshape, {o2, target},
                              f32({ir::Dim::Unknown(), ir::Dim(heads), ir::Dim(dim / heads)}));
  g.AddOutput(split, "heads");
  g.AddOutput(mask, "mask");
  g.AddOutput(bias, "bias");
  g.AddOutput(far, "positions");
}

// Folds `pipeline` over the model and returns (bytes before, bytes after) of the printed and
// re-read model, checking that its outputs did not change.
std::pair<int64_t, int64_t> FoldedSize(std::string_view pipeline, ir::Context& ctx,
                                       std::unique_ptr<ir::Graph>& reread) {
  ir::Graph original(ctx, "model");
  ir::Graph folded(ctx, "model");
  BuildGeneratorHeavyModel(original);
  BuildGeneratorHeavyModel(folded);
  EXPECT_TRUE(ir::VerifyGraph(original).ok());
  Status s = testing::RunPipelineOn(folded, pipeline);
  EXPECT_TRUE(s.ok()) << pipeline << ": " << s.message();
  // The printed model reads back: what a file would hold.
  reread = ParseOrDie(ir::PrintGraph(folded), ctx);
  if (reread == nullptr) return {0, 0};
  EXPECT_TRUE(testing::SameOutputs(original, *reread)) << pipeline;
  return {ConstantBytes(original), ConstantBytes(*reread)};
}

TEST(FoldConstantsSizeTest, GeneratorHeavyModelGrowsByLessThanOnePercent) {
  for (std::string_view pipeline : {std::string_view("fold-constants"), kCleanup}) {
    ir::Context ctx;
    std::unique_ptr<ir::Graph> g;
    auto [before, after] = FoldedSize(pipeline, ctx, g);
    ASSERT_NE(g, nullptr);
    EXPECT_GT(before, 100000);
    EXPECT_LE(after * 100, before * 101)
        << pipeline << ": " << before << " -> " << after << " bytes\n"
        << ir::PrintGraph(*g, {.elide_constants = true});
    EXPECT_EQ(CountOps(*g, ir::OpKind::kRange), 2) << pipeline;
    EXPECT_EQ(CountOps(*g, ir::OpKind::kConstantOfShape), 1) << pipeline;
    EXPECT_EQ(CountOps(*g, ir::OpKind::kExpand), 1) << pipeline;
    // The shape code and the single-use weight's transpose did fold.
    EXPECT_EQ(CountOps(*g, ir::OpKind::kShape), 0) << pipeline;
    EXPECT_EQ(CountOps(*g, ir::OpKind::kTranspose), 0) << pipeline;
  }
}

TEST(FoldConstantsSizeTest, WithoutTheSizeRuleTheSameModelWouldInflate) {
  // The check above can fail: allowing any growth folds the generators into megabytes.
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g;
  auto [before, after] = FoldedSize("fold-constants{max-growth-bytes=100000000},dce", ctx, g);
  ASSERT_NE(g, nullptr);
  EXPECT_GT(after, 2 * before);
  EXPECT_EQ(CountOps(*g, ir::OpKind::kRange), 0);
}

}  // namespace
}  // namespace kiln
