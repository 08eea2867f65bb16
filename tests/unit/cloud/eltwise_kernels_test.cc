// The oneDNN unary kernels (relu, leaky_relu, elu, sigmoid, hard_sigmoid, hard_swish, silu,
// gelu, tanh, exp, log, sqrt, abs, neg) and clip against ref::Unary / ref::Clip: max |d| /
// max |ref| <= 1e-5, in plain and blocked layouts and in place.
#include <gtest/gtest.h>

#include "runtime/reference/kernels/clip.h"
#include "runtime/reference/kernels/unary.h"
#include "tests/unit/cloud/kernel_harness.h"

namespace kiln::cloud::testing {
namespace {

using ref::UnaryOp;

struct UnaryCase {
  std::string kernel;
  UnaryOp op;
  ref::UnaryParams params = {};
  TestAttrs attrs = {};
  float lo = -4.0f, hi = 4.0f;  // input range
};

std::vector<UnaryCase> Cases() {
  return {
      {"relu", UnaryOp::kRelu},
      {"leaky_relu", UnaryOp::kLeakyRelu, {.alpha = 0.01f}},
      {"leaky_relu", UnaryOp::kLeakyRelu, {.alpha = 0.2f}, {{"alpha", 0.2}}},
      {"elu", UnaryOp::kElu, {.alpha = 1.0f}},
      {"elu", UnaryOp::kElu, {.alpha = 0.5f}, {{"alpha", 0.5}}},
      {"sigmoid", UnaryOp::kSigmoid},
      {"hard_sigmoid", UnaryOp::kHardSigmoid, {.alpha = 0.2f, .beta = 0.5f}},
      {"hard_sigmoid",
       UnaryOp::kHardSigmoid,
       {.alpha = 0.3f, .beta = 0.4f},
       {{"alpha", 0.3}, {"beta", 0.4}}},
      {"hard_swish", UnaryOp::kHardSwish, {}, {}, -6.0f, 6.0f},
      {"silu", UnaryOp::kSilu},
      {"gelu", UnaryOp::kGelu},
      {"gelu", UnaryOp::kGeluTanh, {}, {{"approximate", std::string("tanh")}}},
      {"tanh", UnaryOp::kTanh},
      {"exp", UnaryOp::kExp},
      {"log", UnaryOp::kLog, {}, {}, 0.01f, 10.0f},
      {"sqrt", UnaryOp::kSqrt, {}, {}, 0.0f, 10.0f},
      {"abs", UnaryOp::kAbs},
      {"neg", UnaryOp::kNeg},
  };
}

// Runs every case on `shape`, with the input in `layout` (plain when zero) and the output
// plain or not.
void CheckUnary(const ref::Shape& shape, const memory::desc& layout, bool plain_output,
                bool in_place) {
  for (const UnaryCase& c : Cases()) {
    SCOPED_TRACE(c.kernel + " on " + ref::ShapeString(shape));
    const ref::Tensor x = Random(shape, 1, c.lo, c.hi);
    const ref::Tensor want = *ref::Unary(c.op, x, c.params);
    LaidOutTensor xt = LaidOutTensor::FromPlain(x);
    if (!layout.is_zero()) xt = xt.Reordered(layout);
    CallOptions options;
    options.output_must_be_plain = plain_output;
    options.output_aliases_input = in_place ? 0 : -1;
    KernelSession session(c.kernel, c.attrs, options);
    rt::Result<std::vector<LaidOutTensor>> got = session.Run({{&xt}});
    ASSERT_TRUE(got.ok()) << got.status().message();
    if (!plain_output && !layout.is_zero()) {
      EXPECT_TRUE(got->at(0).desc() == layout);  // the blocked layout flows through
    }
    EXPECT_TRUE(Near(got->at(0).ToPlain(), want, kTolerance));
  }
}

TEST(DnnlEltwiseKernels, MatchReference) {
  CheckUnary({2, 3, 5, 7}, {}, true, false);
  CheckUnary({37}, {}, true, false);
  CheckUnary({}, {}, true, false);  // a scalar
  CheckUnary({2, 0, 3}, {}, true, false);
}

TEST(DnnlEltwiseKernels, KeepBlockedLayouts) {
  const ref::Shape shape = {1, 20, 5, 5};  // 20 channels: a padded nChw16c
  CheckUnary(shape, memory::desc(shape, memory::data_type::f32, memory::format_tag::nChw16c), false,
             false);
  CheckUnary(shape, memory::desc(shape, memory::data_type::f32, memory::format_tag::nhwc), false,
             false);
  // Blocked in, plain wanted out: the kernel asks for its input plain.
  CheckUnary(shape, memory::desc(shape, memory::data_type::f32, memory::format_tag::nChw16c), true,
             false);
}

TEST(DnnlEltwiseKernels, RunInPlace) {
  CheckUnary({3, 17}, {}, true, true);
  const ref::Shape shape = {1, 32, 4, 4};
  CheckUnary(shape, memory::desc(shape, memory::data_type::f32, memory::format_tag::nChw16c), false,
             true);
}

TEST(DnnlEltwiseKernels, Clip) {
  const ref::Tensor x = Random({4, 33}, 2, -10.0f, 10.0f);
  const ref::Tensor lo = Scalar(-1.5f, {}), hi = Scalar(6.0f, {});
  struct ClipCase {
    const ref::Tensor* lo;
    const ref::Tensor* hi;
  };
  const ref::Tensor lo_big = Scalar(8.0f);
  for (ClipCase c : {ClipCase{&lo, &hi}, ClipCase{&lo, nullptr}, ClipCase{nullptr, &hi},
                     ClipCase{nullptr, nullptr}, ClipCase{&lo_big, &hi}}) {
    const ref::Tensor want = *ref::Clip(x, c.lo, c.hi);
    rt::Result<std::vector<ref::Tensor>> got =
        RunKernel("clip", {In(x), c.lo ? Const(*c.lo) : Absent(), c.hi ? Const(*c.hi) : Absent()});
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_TRUE(Near(got->at(0), want, kTolerance));
  }
  rt::Result<std::vector<ref::Tensor>> r = RunKernel("clip", {In(x), In(lo), Const(hi)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("op 0 ('test_op', clip): input 1 must be a constant"),
            std::string::npos)
      << r.status().message();
}

TEST(DnnlEltwiseKernels, RejectBadInputs) {
  rt::Result<std::vector<ref::Tensor>> r =
      RunKernel("gelu", {In(Random({4}, 3))}, {{"approximate", std::string("fast")}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("op 0 ('test_op', gelu): gelu approximate is 'fast'"),
            std::string::npos)
      << r.status().message();
  r = RunKernel("relu", {In(ref::Tensor::FromVector<int32_t>(rt::DType::kI32, {2}, {1, -1}))});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("input 0 is i32, expected f32"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace kiln::cloud::testing
