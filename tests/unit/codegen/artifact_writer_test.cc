#include "codegen/artifact_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>

#include "codegen/materialize_outputs.h"
#include "codegen/schema/kiln_artifact_generated.h"
#include "ir/verifier.h"
#include "runtime/core/artifact.h"
#include "runtime/core/artifact_checksum.h"
#include "runtime/core/artifact_format.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln::codegen {
namespace {

namespace art = kiln::artifact;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ParseOrDie;

// Parses `kir`, plans it densely with `dims` and writes it; fails the test on any error.
std::vector<uint8_t> Write(std::string_view kir, const ArtifactOptions& options,
                           PlannedBuffers* planned = nullptr) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  if (!g) return {};
  Status verified = ir::VerifyGraph(*g);
  EXPECT_TRUE(verified.ok()) << verified.message();
  MaterializeGraphOutputs(*g);
  Expected<BufferRequests> requests = CollectBufferRequests(*g, options.dims);
  EXPECT_TRUE(requests.ok()) << requests.error().message();
  if (!requests) return {};
  PlannedBuffers buffers{.requests = std::move(*requests), .plan = {}};
  buffers.plan = PlanMemoryGreedy(buffers.requests.requests);
  Expected<std::vector<uint8_t>> bytes = WriteArtifact(*g, buffers, options);
  EXPECT_TRUE(bytes.ok()) << bytes.error().message();
  if (planned) *planned = std::move(buffers);
  return bytes.ok() ? std::move(*bytes) : std::vector<uint8_t>{};
}

const art::Model* Verified(const std::vector<uint8_t>& bytes) {
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  EXPECT_TRUE(art::VerifyModelBuffer(verifier));
  EXPECT_TRUE(flatbuffers::BufferHasIdentifier(bytes.data(), rt::kArtifactIdentifier));
  return art::GetModel(bytes.data());
}

std::vector<std::string> Strings(
    const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v) {
  std::vector<std::string> out;
  if (v) {
    for (const flatbuffers::String* s : *v) out.push_back(s->str());
  }
  return out;
}

template <typename T>
std::vector<T> Values(const flatbuffers::Vector<T>* v) {
  return v ? std::vector<T>(v->begin(), v->end()) : std::vector<T>{};
}

// A conv net with a symbolic batch, a shared and a duplicated constant, a reshape shape, an
// absent optional operand and attributes of several kinds.
constexpr std::string_view kNet = R"(
graph @net(%x: f32[N,3,4,4], %lo: f32[]) -> (f32[N,48], f32[N,3,4,4]) {
  %w = const @w : f32[3,3,1,1]
  %b = const @b : f32[3]
  %b2 = const @b_copy : f32[3,1,1]
  %shape = const @shape : i64[2]
  %c = conv(%x, %w, %b) {dilations=[1,1], group=1, pads=[0,0,0,0], strides=[1,1]} : f32[N,3,4,4] loc("Conv_0")
  %r = relu(%c) : f32[N,3,4,4] loc("Relu_1")
  %k = clip(%r, _, %lo) : f32[N,3,4,4]
  %a = add(%k, %b2) : f32[N,3,4,4]
  %f = reshape(%a, %shape) : f32[N,48] loc("Reshape_2")
  %g = gelu(%c) {approximate="tanh"} : f32[N,3,4,4]
  return %f as "logits", %g
}
constants {
  @w = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
  @b = [0.5, -0.5, 0.25]
  @b_copy = [0.5, -0.5, 0.25]
  @shape = [-1, 48]
})";

const ArtifactOptions kOptions{.target = "cloud",
                               .compiler_version = "kiln 9.9.9",
                               .source_hash = "fnv1a64:0123456789abcdef",
                               .dims = {{"N", 2}},
                               .metadata = {{"source", "net.kir"}, {"opt_level", "O2"}}};

TEST(ArtifactWriterTest, HeaderFieldsAndMetadata) {
  std::vector<uint8_t> bytes = Write(kNet, kOptions);
  ASSERT_FALSE(bytes.empty());
  const art::Model* m = Verified(bytes);
  EXPECT_EQ(m->format_version(), rt::kArtifactFormatVersion);
  EXPECT_EQ(m->target()->str(), "cloud");
  EXPECT_EQ(m->compiler_version()->str(), "kiln 9.9.9");
  EXPECT_EQ(m->source_hash()->str(), "fnv1a64:0123456789abcdef");
  EXPECT_EQ(m->graph_name()->str(), "net");
  EXPECT_EQ(m->arena_alignment(), 64u);
  ASSERT_EQ(m->dims()->size(), 1u);
  EXPECT_EQ(m->dims()->Get(0)->symbol()->str(), "N");
  EXPECT_EQ(m->dims()->Get(0)->max(), 2);
  ASSERT_EQ(m->metadata()->size(), 2u);
  EXPECT_EQ(m->metadata()->Get(0)->key()->str(), "opt_level");
  EXPECT_EQ(m->metadata()->Get(1)->key()->str(), "source");
  EXPECT_EQ(m->metadata()->Get(1)->value()->str(), "net.kir");
  // The FlatBuffer (padded to 64 bytes), then the checksum trailer over it.
  std::optional<rt::ChecksumTrailer> trailer = rt::SplitChecksumTrailer(bytes);
  ASSERT_TRUE(trailer.has_value());
  EXPECT_EQ(trailer->body.size() % 64, 0u);
  EXPECT_EQ(trailer->stored, rt::ArtifactChecksum(trailer->body));
}

TEST(ArtifactWriterTest, TensorTableListsInputsConstantsThenOpResults) {
  PlannedBuffers buffers;
  std::vector<uint8_t> bytes = Write(kNet, kOptions, &buffers);
  ASSERT_FALSE(bytes.empty());
  const art::Model* m = Verified(bytes);
  std::vector<std::string> names;
  std::vector<art::Storage> storage;
  for (const art::Tensor* t : *m->tensors()) {
    names.push_back(t->name()->str());
    storage.push_back(t->storage());
  }
  // Constants in first-use order; the graph output is named after the output ("logits").
  EXPECT_THAT(names, ElementsAre("x", "lo", "w", "b", "b_copy", "shape", "c", "r", "k", "a",
                                 "logits", "g"));
  using S = art::Storage;
  EXPECT_THAT(storage,
              ElementsAre(S::Input, S::Input, S::Constant, S::Constant, S::Constant, S::Constant,
                          S::Arena, S::Arena, S::Arena, S::Arena, S::Arena, S::Arena));
  EXPECT_THAT(Values(m->inputs()), ElementsAre(0, 1));
  EXPECT_THAT(Values(m->outputs()), ElementsAre(10, 11));

  // Shapes: -1 and the symbol for N; symbols are left out when every dim is static.
  const art::Tensor* x = m->tensors()->Get(0);
  EXPECT_EQ(x->dtype(), art::DType::F32);
  EXPECT_THAT(Values(x->shape()), ElementsAre(-1, 3, 4, 4));
  EXPECT_THAT(Strings(x->symbols()), ElementsAre("N", "", "", ""));
  EXPECT_EQ(x->bytes(), 2u * 3 * 4 * 4 * 4);  // dense at the bound N=2
  const art::Tensor* shape = m->tensors()->Get(5);
  EXPECT_EQ(shape->dtype(), art::DType::I64);
  EXPECT_THAT(Values(shape->shape()), ElementsAre(2));
  EXPECT_EQ(shape->symbols(), nullptr);

  // Arena tensors carry the plan.
  ASSERT_EQ(buffers.requests.values.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    const art::Tensor* t = m->tensors()->Get(6 + i);
    EXPECT_EQ(t->offset(), static_cast<uint64_t>(buffers.plan.offsets[i])) << i;
    EXPECT_EQ(t->bytes(), static_cast<uint64_t>(buffers.requests.requests[i].size)) << i;
  }
  EXPECT_EQ(m->arena_bytes(), static_cast<uint64_t>(buffers.plan.arena_size));
}

TEST(ArtifactWriterTest, ConstantsHoldTheIrBytes64ByteAlignedInTheFile) {
  std::vector<uint8_t> bytes = Write(kNet, kOptions);
  ASSERT_FALSE(bytes.empty());
  const art::Model* m = Verified(bytes);
  const uint8_t* blob = m->constants()->Data();
  EXPECT_EQ((blob - bytes.data()) % 64, 0);
  EXPECT_EQ(m->constants()->size() % 64, 0u);

  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kNet, ctx);
  ASSERT_TRUE(g);
  int constants = 0;
  for (const art::Tensor* t : *m->tensors()) {
    if (t->storage() != art::Storage::Constant) continue;
    ++constants;
    const ir::Constant* c = g->pool().Find(t->name()->str());
    ASSERT_NE(c, nullptr) << t->name()->str();
    EXPECT_EQ(t->offset() % 64, 0u);
    EXPECT_EQ((blob + t->offset() - bytes.data()) % 64, 0);
    ASSERT_EQ(t->bytes(), c->data->size());
    ASSERT_LE(t->offset() + t->bytes(), m->constants()->size());
    EXPECT_EQ(std::memcmp(blob + t->offset(), c->data->data(), t->bytes()), 0) << t->name()->str();
  }
  EXPECT_EQ(constants, 4);
  // @b and @b_copy hold the same bytes and share them.
  EXPECT_EQ(m->tensors()->Get(3)->offset(), m->tensors()->Get(4)->offset());
  EXPECT_EQ(m->constants()->size(), 3u * 64);
}

TEST(ArtifactWriterTest, OpsKeepKindNameOperandsAndAttributes) {
  std::vector<uint8_t> bytes = Write(kNet, kOptions);
  ASSERT_FALSE(bytes.empty());
  const art::Model* m = Verified(bytes);
  ASSERT_EQ(m->ops()->size(), 6u);
  const art::Op* conv = m->ops()->Get(0);
  EXPECT_EQ(conv->kernel()->str(), "conv");
  EXPECT_EQ(conv->name()->str(), "Conv_0");
  EXPECT_THAT(Values(conv->inputs()), ElementsAre(0, 2, 3));
  EXPECT_THAT(Values(conv->outputs()), ElementsAre(6));
  std::vector<std::string> attr_names;
  for (const art::Attr* a : *conv->attrs()) attr_names.push_back(a->name()->str());
  EXPECT_THAT(attr_names, ElementsAre("dilations", "group", "pads", "strides"));
  const art::Attr* group = conv->attrs()->LookupByKey("group");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->kind(), art::AttrKind::Int);
  EXPECT_EQ(group->i(), 1);
  const art::Attr* pads = conv->attrs()->LookupByKey("pads");
  EXPECT_EQ(pads->kind(), art::AttrKind::Ints);
  EXPECT_THAT(Values(pads->ints()), ElementsAre(0, 0, 0, 0));

  const art::Op* clip = m->ops()->Get(2);
  EXPECT_EQ(clip->kernel()->str(), "clip");
  EXPECT_EQ(clip->name()->str(), "");
  EXPECT_THAT(Values(clip->inputs()), ElementsAre(7, -1, 1));  // the absent min is -1

  const art::Op* gelu = m->ops()->Get(5);
  const art::Attr* approximate = gelu->attrs()->LookupByKey("approximate");
  ASSERT_NE(approximate, nullptr);
  EXPECT_EQ(approximate->kind(), art::AttrKind::String);
  EXPECT_EQ(approximate->s()->str(), "tanh");
}

TEST(ArtifactWriterTest, FloatAndListAttributesRoundTrip) {
  std::vector<uint8_t> bytes = Write(R"(
graph @g(%x: f32[2,4]) -> (f32[2,4]) {
  %y = leaky_relu(%x) {alpha=0.125} : f32[2,4]
  %z = layer_norm(%y) {axis=-1, epsilon=1e-05} : f32[2,4]
  return %z
})",
                                     {});
  ASSERT_FALSE(bytes.empty());
  const art::Model* m = Verified(bytes);
  const art::Attr* alpha = m->ops()->Get(0)->attrs()->LookupByKey("alpha");
  ASSERT_NE(alpha, nullptr);
  EXPECT_EQ(alpha->kind(), art::AttrKind::Float);
  EXPECT_EQ(alpha->f(), 0.125);
  const art::Attr* axis = m->ops()->Get(1)->attrs()->LookupByKey("axis");
  EXPECT_EQ(axis->i(), -1);
  EXPECT_EQ(m->ops()->Get(1)->attrs()->LookupByKey("epsilon")->f(), 1e-05);
  EXPECT_EQ(m->dims()->size(), 0u);
}

// (Ops on quantized operands compute on their real values, docs/ir.md; a dequantize of a
// constant would be a packed constant instead, below.)
TEST(ArtifactWriterTest, QuantParamsComeFromTheTensorType) {
  std::vector<uint8_t> bytes = Write(R"(
graph @q(%x: f32[2]) -> (f32[2], f32[2]) {
  %w = const @w : i8<per_axis axis=0 scales=[0.5,0.25] zero_points=[1,-1]>[2]
  %v = const @v : u8<per_tensor scale=0.1 zero_point=128>[2]
  %s = neg(%w) : f32[2]
  %t = neg(%v) : f32[2]
  return %s, %t
}
constants {
  @w = [3, -4]
  @v = [7, 9]
})",
                                     {});
  ASSERT_FALSE(bytes.empty());
  const art::Model* m = Verified(bytes);
  const art::Tensor* w = m->tensors()->Get(1);
  ASSERT_EQ(w->name()->str(), "w");
  EXPECT_EQ(w->dtype(), art::DType::I8);
  ASSERT_NE(w->quant(), nullptr);
  EXPECT_EQ(w->quant()->axis(), 0);
  EXPECT_EQ(w->quant()->block_size(), 0);
  EXPECT_THAT(Values(w->quant()->scales()), ElementsAre(0.5f, 0.25f));
  EXPECT_THAT(Values(w->quant()->zero_points()), ElementsAre(1, -1));
  const art::Tensor* v = m->tensors()->Get(2);
  EXPECT_EQ(v->dtype(), art::DType::U8);
  EXPECT_EQ(v->quant()->axis(), -1);
  EXPECT_THAT(Values(v->quant()->scales()), ElementsAre(0.1f));
  EXPECT_THAT(Values(v->quant()->zero_points()), ElementsAre(128));
  EXPECT_EQ(m->tensors()->Get(0)->quant(), nullptr);
}

// Weight-only quantization's form: dequantize(@codes) read by a float op. The result is a
// Constant f32 tensor holding the codes, with `packed` saying how they decode; the dequantize is
// no op and has no arena slot, and the codes' constant has no tensor of its own unless an op reads
// it directly. A dequantize that is a graph output, or of i32 codes, stays an op.
constexpr std::string_view kPacked = R"(
graph @p(%x: f32[2,64]) -> (f32[2,8], f32[2,8], f32[3]) {
  %wq = const @wq : i4<per_block axis=0 block_size=32 scales=[0.5,0.25,0.125,1.0,2.0,0.5,0.25,0.125,1.0,2.0,0.5,0.25,0.125,1.0,2.0,3.0]>[64,8]
  %vq = const @vq : u8<per_tensor scale=0.5 zero_point=3>[2,8]
  %kq = const @kq : i8<per_axis axis=0 scales=[0.5,0.25,0.125]>[3]
  %bq = const @bq : i32<per_tensor scale=0.5>[8]
  %w = dequantize(%wq) : f32[64,8]
  %m = matmul(%x, %w) : f32[2,8] loc("MatMul_0")
  %v = dequantize(%vq) : f32[2,8]
  %b = dequantize(%bq) : f32[8]
  %a = add(%m, %b) : f32[2,8]
  %s = add(%v, %a) : f32[2,8]
  %t = neg(%vq) : f32[2,8]
  %k = dequantize(%kq) : f32[3]
  return %s, %t, %k
}
constants {
  @wq = 0x0123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba98765432100123456789abcdeffedcba9876543210
  @vq = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 255]
  @kq = [-1, 0, 1]
  @bq = [1, 2, 3, 4, 5, 6, 7, 8]
})";

TEST(ArtifactWriterTest, PackedConstantsHoldTheCodesInsteadOfAnOp) {
  PlannedBuffers buffers;
  std::vector<uint8_t> bytes = Write(kPacked, {.target = "edge"}, &buffers);
  ASSERT_FALSE(bytes.empty());
  const art::Model* m = Verified(bytes);
  std::vector<std::string> names, kernels;
  for (const art::Tensor* t : *m->tensors()) names.push_back(t->name()->str());
  for (const art::Op* op : *m->ops()) kernels.push_back(op->kernel()->str());
  // Constants in first-use order, the packed ones where their dequantize was; @vq is also read
  // by a neg; %bq (i32) and %k (an output) stay dequantize ops.
  EXPECT_THAT(names, ElementsAre("x", "w", "v", "bq", "vq", "kq", "m", "b", "a", "s", "t", "k"));
  EXPECT_THAT(kernels, ElementsAre("matmul", "dequantize", "add", "add", "neg", "dequantize"));
  // The matmul reads the packed constant; the add of %v reads the other one.
  EXPECT_THAT(Values(m->ops()->Get(0)->inputs()), ElementsAre(0, 1));
  EXPECT_THAT(Values(m->ops()->Get(3)->inputs()), ElementsAre(2, 8));
  EXPECT_THAT(Values(m->ops()->Get(4)->inputs()), ElementsAre(4));

  const art::Tensor* w = m->tensors()->Get(1);
  EXPECT_EQ(w->storage(), art::Storage::Constant);
  EXPECT_EQ(w->dtype(), art::DType::F32);
  EXPECT_THAT(Values(w->shape()), ElementsAre(64, 8));
  EXPECT_EQ(w->quant(), nullptr);
  EXPECT_EQ(w->bytes(), 256u);  // 512 i4 codes, two per byte
  ASSERT_NE(w->packed(), nullptr);
  EXPECT_EQ(w->packed()->dtype(), art::DType::I4);
  EXPECT_EQ(w->packed()->quant()->axis(), 0);
  EXPECT_EQ(w->packed()->quant()->block_size(), 32);
  EXPECT_EQ(w->packed()->quant()->scales()->size(), 16u);
  EXPECT_EQ(Values(w->packed()->quant()->zero_points()).size(), 0u);

  const art::Tensor* v = m->tensors()->Get(2);
  ASSERT_NE(v->packed(), nullptr);
  EXPECT_EQ(v->dtype(), art::DType::F32);
  EXPECT_EQ(v->packed()->dtype(), art::DType::U8);
  EXPECT_EQ(v->packed()->quant()->axis(), -1);
  EXPECT_THAT(Values(v->packed()->quant()->scales()), ElementsAre(0.5f));
  EXPECT_THAT(Values(v->packed()->quant()->zero_points()), ElementsAre(3));
  // @vq read directly is an ordinary quantized constant on the same blob slot.
  const art::Tensor* vq = m->tensors()->Get(4);
  EXPECT_EQ(vq->dtype(), art::DType::U8);
  EXPECT_EQ(vq->packed(), nullptr);
  ASSERT_NE(vq->quant(), nullptr);
  EXPECT_EQ(vq->offset(), v->offset());
  EXPECT_EQ(vq->bytes(), v->bytes());

  // The blob holds the IR's codes where the packed tensors point.
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kPacked, ctx);
  ASSERT_TRUE(g);
  for (auto [tensor, constant] : {std::pair{w, "wq"}, std::pair{v, "vq"}}) {
    const ir::Constant* c = g->pool().Find(constant);
    ASSERT_EQ(tensor->bytes(), c->data->size());
    EXPECT_EQ(tensor->offset() % 64, 0u);
    EXPECT_EQ(
        std::memcmp(m->constants()->Data() + tensor->offset(), c->data->data(), tensor->bytes()), 0)
        << constant;
  }

  // No arena slot for the packed constants: one request per arena tensor (m, b, a, s, t, k).
  ASSERT_EQ(buffers.requests.values.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    const art::Tensor* t = m->tensors()->Get(6 + i);
    EXPECT_EQ(t->storage(), art::Storage::Arena);
    EXPECT_EQ(t->offset(), static_cast<uint64_t>(buffers.plan.offsets[i])) << i;
  }
  // The runtime reads it: the plan still holds with the ops renumbered.
  rt::Result<std::unique_ptr<rt::Artifact>> loaded = rt::Artifact::FromBytes(bytes, "p.kiln", "");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->ConstantBytes(1).size(), 64u * 8 * 4);

  EXPECT_EQ(bytes, Write(kPacked, {.target = "edge"}));
}

TEST(ArtifactWriterTest, SameInputSameBytes) {
  std::vector<uint8_t> a = Write(kNet, kOptions);
  std::vector<uint8_t> b = Write(kNet, kOptions);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  ArtifactOptions other = kOptions;
  other.source_hash = "fnv1a64:fedcba9876543210";
  EXPECT_NE(a, Write(kNet, other));
}

TEST(ArtifactWriterTest, OutputsThatAreInputsOrConstantsBecomeIdentityOps) {
  std::vector<uint8_t> bytes = Write(R"(
graph @pass(%x: f32[3]) -> (f32[3], f32[3], f32[3], f32[3]) {
  %c = const @c : f32[3]
  %y = neg(%x) : f32[3]
  return %x as "same", %c as "fixed", %y as "y", %y as "y_again"
}
constants {
  @c = [1.0, 2.0, 3.0]
})",
                                     {});
  ASSERT_FALSE(bytes.empty());
  const art::Model* m = Verified(bytes);
  std::vector<std::string> kernels;
  for (const art::Op* op : *m->ops()) kernels.push_back(op->kernel()->str());
  EXPECT_THAT(kernels, ElementsAre("neg", "identity", "identity", "identity"));
  std::vector<std::string> outputs;
  for (int32_t i : *m->outputs()) {
    const art::Tensor* t = m->tensors()->Get(i);
    EXPECT_EQ(t->storage(), art::Storage::Arena) << t->name()->str();
    outputs.push_back(t->name()->str());
  }
  EXPECT_THAT(outputs, ElementsAre("same", "fixed", "y", "y_again"));
  // The identities read the input and the constant.
  EXPECT_THAT(Values(m->ops()->Get(1)->inputs()), ElementsAre(0));
  EXPECT_EQ(m->tensors()->Get(m->ops()->Get(2)->inputs()->Get(0))->storage(),
            art::Storage::Constant);
}

TEST(ArtifactWriterTest, UnmaterializedOutputsAreAnError) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(R"(
graph @pass(%x: f32[3]) -> (f32[3]) {
  return %x
})",
                                            ctx);
  ASSERT_TRUE(g);
  Expected<std::vector<uint8_t>> bytes = WriteArtifact(*g, PlannedBuffers{}, {});
  ASSERT_FALSE(bytes.ok());
  EXPECT_THAT(bytes.error().message(), HasSubstr("output 0 is input 'x', not an op result"));
}

}  // namespace
}  // namespace kiln::codegen
