// int8 graphs compiled for the cloud target (fold-qdq, the fusions, expand-quantized, oneDNN's
// int8 kernels) against the reference runtime's simulation of the same QDQ graph: every
// quantized output code within one quantization step (|d| <= 1), on the best ISA here and under
// ONEDNN_MAX_CPU_ISA=AVX2 (no VNNI: oneDNN's u8 x s8 compensation path).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "codegen/compile.h"
#include "ir/clone.h"
#include "ir/context.h"
#include "ir/parser.h"
#include "runtime/cloud/cloud_model.h"
#include "runtime/core/artifact.h"
#include "runtime/reference/interpreter/executor.h"
#include "tests/unit/cloud/kernel_harness.h"

namespace kiln::cloud::testing {
namespace {

// "[a, b, c]" of `n` values drawn by `draw`.
template <typename Draw>
std::string List(int64_t n, Draw draw) {
  std::string s = "[";
  for (int64_t i = 0; i < n; ++i) s += (i ? ", " : "") + draw(i);
  return s + "]";
}

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// The QDQ form of one conv as the quantizer writes it (docs/quantization.md): the input
// quantized to `x_type` and back, i8 weights per output channel, an i32 bias of scale
// s_x * s_w[c], the conv (with `attrs`) and, unless `y_type` is f32, a quantize of the result.
struct ConvCase {
  std::string name = "";
  int64_t n = 1, c = 8, h = 6, w = 6, m = 16, k = 3, group = 1;
  std::string attrs = "";       // besides kernel_shape
  std::string x_scalar = "u8";  // u8 or i8
  float s_x = 0.02f;
  std::string y_scalar = "u8";  // u8, i8 or f32
  float s_y = 0.05f;
  bool residual = false;                  // add(conv, dequantize(r)) of a second input
  std::string activation_after_add = "";  // relu after that add
  bool max_pool_after = false;            // a 2x2 stride-2 max pool before the final quantize
};

std::string ConvKir(const ConvCase& t, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> weight(-127, 127), bias(-3000, 3000);
  std::uniform_real_distribution<float> scale(0.002f, 0.02f);
  const int64_t oh = t.h, ow = t.w;  // every case pads to keep the size
  const std::string x_shape = "[" + std::to_string(t.n) + "," + std::to_string(t.c) + "," +
                              std::to_string(t.h) + "," + std::to_string(t.w) + "]";
  const std::string y_shape = "[" + std::to_string(t.n) + "," + std::to_string(t.m) + "," +
                              std::to_string(oh) + "," + std::to_string(ow) + "]";
  const int64_t ph = t.max_pool_after ? oh / 2 : oh, pw = t.max_pool_after ? ow / 2 : ow;
  const std::string out_shape = "[" + std::to_string(t.n) + "," + std::to_string(t.m) + "," +
                                std::to_string(ph) + "," + std::to_string(pw) + "]";
  const std::string w_shape = "[" + std::to_string(t.m) + "," + std::to_string(t.c / t.group) +
                              "," + std::to_string(t.k) + "," + std::to_string(t.k) + "]";
  std::vector<float> s_w(static_cast<size_t>(t.m));
  for (float& s : s_w) s = scale(rng);
  const std::string w_scales = List(t.m, [&](int64_t i) { return Fmt(s_w[i]); });
  const std::string b_scales = List(t.m, [&](int64_t i) { return Fmt(t.s_x * s_w[i]); });
  const std::string xq = t.x_scalar + "<per_tensor scale=" + Fmt(t.s_x) + ">";
  const bool y_quantized = t.y_scalar != "f32";
  const std::string yq = t.y_scalar + "<per_tensor scale=" + Fmt(t.s_y) + ">";
  const std::string rq = "u8<per_tensor scale=0.03>";
  std::string kir = "graph @g(%x: f32" + x_shape;
  if (t.residual) kir += ", %r: f32" + y_shape;
  kir += ") -> (" + (y_quantized ? yq : std::string("f32")) + out_shape + ") {\n";
  kir += "  %xq = quantize(%x) : " + xq + x_shape + "\n";
  kir += "  %xd = dequantize(%xq) : f32" + x_shape + "\n";
  kir += "  %w = const @w : i8<per_axis axis=0 scales=" + w_scales + ">" + w_shape + "\n";
  kir += "  %wd = dequantize(%w) : f32" + w_shape + "\n";
  kir += "  %b = const @b : i32<per_axis axis=0 scales=" + b_scales + ">[" + std::to_string(t.m) +
         "]\n";
  kir += "  %bd = dequantize(%b) : f32[" + std::to_string(t.m) + "]\n";
  if (t.residual) {  // before the conv, as fuse-residual-add needs
    kir += "  %rq = quantize(%r) : " + rq + y_shape + "\n";
    kir += "  %rd = dequantize(%rq) : f32" + y_shape + "\n";
  }
  const std::string pads = std::to_string(t.k / 2);
  kir += "  %y = conv(%xd, %wd, %bd) {" + t.attrs + (t.attrs.empty() ? "" : ", ") +
         "group=" + std::to_string(t.group) + ", kernel_shape=[" + std::to_string(t.k) + "," +
         std::to_string(t.k) + "], pads=[" + pads + "," + pads + "," + pads + "," + pads +
         "]} : f32" + y_shape + "\n";
  std::string last = "%y";
  if (t.residual) {
    kir += "  %s = add(%y, %rd) : f32" + y_shape + "\n";
    last = "%s";
    if (!t.activation_after_add.empty()) {
      kir += "  %a = " + t.activation_after_add + "(%s) : f32" + y_shape + "\n";
      last = "%a";
    }
  }
  if (t.max_pool_after) {
    kir += "  %p = max_pool(" + last + ") {kernel_shape=[2,2], strides=[2,2]} : f32" + out_shape +
           "\n";
    last = "%p";
  }
  if (y_quantized) {
    kir += "  %out = quantize(" + last + ") : " + yq + out_shape + "\n";
    last = "%out";
  }
  kir += "  return " + last + "\n}\nconstants {\n";
  kir += "  @w = " +
         List(t.m * (t.c / t.group) * t.k * t.k,
              [&](int64_t) { return std::to_string(weight(rng)); }) +
         "\n";
  kir += "  @b = " + List(t.m, [&](int64_t) { return std::to_string(bias(rng)); }) + "\n}\n";
  return kir;
}

ref::Tensor RandomInput(const ref::Shape& shape, uint32_t seed, float lo, float hi) {
  return Random(shape, seed, lo, hi);
}

// Largest |cloud - reference| over the output, in codes for a quantized output, relative to
// max |reference| for f32.
void CheckAgainstReference(const ConvCase& t) {
  SCOPED_TRACE(t.name);
  const std::string kir = ConvKir(t, 7);
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> qdq = ir::ParseGraph(kir, "case.kir", ctx);
  ASSERT_TRUE(qdq.ok()) << qdq.error().message() << "\n" << kir;
  std::unique_ptr<ir::Graph> compiled = ir::CloneGraph(**qdq);
  Expected<codegen::CompiledModel> m =
      codegen::CompileModel(*compiled, {.target = "cloud", .pipeline = ""});
  ASSERT_TRUE(m.ok()) << m.error().message();
  // The conv ran as one int8 op: no float conv between a dequantize and a quantize (an f32
  // result reads an f32 residual, the one dequantize left).
  EXPECT_EQ(m->report.ops_after.at("conv"), 1);
  if (t.y_scalar != "f32") {
    EXPECT_EQ(m->report.ops_after.count("dequantize"), 0u);
  }

  // Inputs spanning the quantized range (u8 inputs mostly positive, as after a relu).
  const float lo = t.x_scalar == "u8" ? -0.5f : -2.5f;
  if (t.max_pool_after && t.y_scalar != "f32") {
    EXPECT_EQ(m->report.ops_after.at("max_pool"), 1);
  }
  std::vector<ref::Tensor> inputs = {RandomInput({t.n, t.c, t.h, t.w}, 11, lo, 5.0f)};
  if (t.residual) inputs.push_back(RandomInput({t.n, t.m, t.h, t.w}, 12, -1.0f, 7.0f));
  Expected<std::vector<ref::Tensor>> want = ref::CreateReferenceExecutor(**qdq)->Run(inputs);
  ASSERT_TRUE(want.ok()) << want.error().message();

  rt::Result<std::unique_ptr<rt::Artifact>> artifact =
      rt::Artifact::FromBytes(m->artifact, "case.kiln", "cloud");
  ASSERT_TRUE(artifact.ok()) << artifact.status().message();
  rt::Result<std::unique_ptr<CloudModel>> model = CloudModel::Create(std::move(*artifact), {});
  ASSERT_TRUE(model.ok()) << model.status().message();
  rt::Result<std::vector<ref::Tensor>> got = (*model)->Run(inputs);
  ASSERT_TRUE(got.ok()) << got.status().message();

  const ref::Tensor& a = got->at(0);
  const ref::Tensor& b = want->at(0);
  ASSERT_EQ(a.dtype(), b.dtype());
  ASSERT_EQ(a.shape(), b.shape());
  const int64_t count = a.num_elements();
  if (a.dtype() == rt::DType::kF32) {
    // An input code one step off (oneDNN multiplies by 1/s where the reference divides) moves
    // an output by about s_x * s_w * 127 ~ 3e-2, against outputs of ~50.
    EXPECT_TRUE(Near(a, b, 1e-3));
    return;
  }
  int max_diff = 0, differing = 0, nonzero = 0;
  for (int64_t i = 0; i < count; ++i) {
    const int x = a.dtype() == rt::DType::kU8 ? a.data<uint8_t>()[i] : a.data<int8_t>()[i];
    const int y = b.dtype() == rt::DType::kU8 ? b.data<uint8_t>()[i] : b.data<int8_t>()[i];
    max_diff = std::max(max_diff, std::abs(x - y));
    differing += x != y;
    nonzero += y != 0;
  }
  EXPECT_LE(max_diff, 1) << differing << " of " << count << " codes differ";
  // Rounding ties only: almost every code is identical.
  EXPECT_LE(differing, count / 100 + 1) << "codes differing by one";
  // The case exercises the range, not only zeros.
  EXPECT_GT(nonzero, count / 4);
}

TEST(CloudInt8ModelTest, ConvOutputsMatchTheReferenceSimulationWithinOneStep) {
  const std::vector<ConvCase> cases = {
      {.name = "3x3 u8 -> relu -> u8", .attrs = "activation=\"relu\""},
      {.name = "1x1 i8 -> i8", .m = 24, .k = 1, .x_scalar = "i8", .y_scalar = "i8"},
      {.name = "3x3 u8 -> f32", .y_scalar = "f32"},
      {.name = "3x3 u8 -> sigmoid -> u8 (requantize post-op)",
       .attrs = "activation=\"sigmoid\"",
       .s_y = 0.004f},
      {.name = "depthwise 3x3 u8 -> relu -> u8",
       .c = 16,
       .m = 16,
       .group = 16,
       .attrs = "activation=\"relu\""},
      {.name = "batch 2, 3x3 u8 -> relu -> u8", .n = 2, .attrs = "activation=\"relu\""},
  };
  for (const ConvCase& t : cases) CheckAgainstReference(t);
}

TEST(CloudInt8ModelTest, QuantizeAfterMaxPoolMovesIntoTheConv) {
  // conv -> relu -> max_pool -> quantize: the conv writes u8 and the pool runs on u8 (exact).
  CheckAgainstReference({.name = "conv + relu + max pool -> u8",
                         .attrs = "activation=\"relu\"",
                         .max_pool_after = true});
}

TEST(CloudInt8ModelTest, FusedResidualAddAndReluKeepInt8BetweenConvs) {
  // add(conv, dequantize(r)) -> relu -> quantize folds into one conv with a u8 residual.
  CheckAgainstReference({.name = "conv + u8 residual + relu -> u8",
                         .s_y = 0.08f,
                         .residual = true,
                         .activation_after_add = "relu"});
  CheckAgainstReference({.name = "conv + u8 residual -> f32", .y_scalar = "f32", .residual = true});
}

}  // namespace
}  // namespace kiln::cloud::testing
