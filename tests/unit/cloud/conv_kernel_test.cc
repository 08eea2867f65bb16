// The oneDNN conv kernel against ref::Conv (+ the reference activation): max |d| / max |ref|
// <= 1e-5 over strides, pads, auto_pad, groups, dilations, 1-D/2-D/3-D, bias, the residual,
// every fused activation, and blocked as well as plain outputs.
#include <gtest/gtest.h>

#include "runtime/reference/kernels/binary.h"
#include "runtime/reference/kernels/conv.h"
#include "tests/unit/cloud/kernel_harness.h"

namespace kiln::cloud::testing {
namespace {

struct ConvCase {
  std::string name;
  ref::Shape x, w;
  ref::ConvParams p;
  bool bias = true;
  std::string auto_pad = "";
};

TestAttrs ConvAttrs(const ConvCase& c) {
  TestAttrs attrs;
  if (!c.p.strides.empty()) attrs.push_back({"strides", c.p.strides});
  if (!c.p.dilations.empty()) attrs.push_back({"dilations", c.p.dilations});
  if (!c.p.pads.empty()) attrs.push_back({"pads", c.p.pads});
  if (c.p.group != 1) attrs.push_back({"group", c.p.group});
  if (!c.auto_pad.empty()) attrs.push_back({"auto_pad", c.auto_pad});
  return attrs;
}

// Runs the case with `activation` and checks it against the reference.
void CheckConv(const ConvCase& c, const std::string& activation = "", float alpha = 0,
               float beta = 0, bool plain_output = true) {
  SCOPED_TRACE(c.name + (activation.empty() ? "" : " + " + activation));
  const ref::Tensor x = Random(c.x, 1), w = Random(c.w, 2), b = Random({c.w[0]}, 3);
  TestAttrs attrs = ConvAttrs(c);
  for (TestAttr& a : ActivationAttrs(activation, alpha, beta)) attrs.push_back(a);
  ref::ConvParams p = c.p;
  if (!c.auto_pad.empty()) p.auto_pad = *ref::ParseAutoPad(c.auto_pad);
  const ref::Tensor want =
      ReferenceActivation(*ref::Conv(x, w, c.bias ? &b : nullptr, p), activation, alpha, beta);
  CallOptions options;
  options.output_must_be_plain = plain_output;
  rt::Result<std::vector<ref::Tensor>> got =
      RunKernel("conv", {In(x), Const(w), c.bias ? Const(b) : Absent()}, attrs, options);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(Near(got->at(0), want, kTolerance));
}

std::vector<ConvCase> Cases() {
  return {
      {"3x3 pad 1", {2, 16, 10, 10}, {32, 16, 3, 3}, {.pads = {1, 1, 1, 1}}},
      {"3x3 stride 2", {1, 8, 11, 11}, {16, 8, 3, 3}, {.strides = {2, 2}, .pads = {1, 1, 1, 1}}},
      {"1x1", {1, 32, 7, 7}, {64, 32, 1, 1}, {}},
      {"1x1 stride 2", {1, 32, 8, 8}, {16, 32, 1, 1}, {.strides = {2, 2}}},
      {"stem 7x7 stride 2",
       {1, 3, 32, 32},
       {16, 3, 7, 7},
       {.strides = {2, 2}, .pads = {3, 3, 3, 3}}},
      {"depthwise", {1, 32, 9, 9}, {32, 1, 3, 3}, {.pads = {1, 1, 1, 1}, .group = 32}},
      {"depthwise stride 2",
       {1, 24, 10, 10},
       {24, 1, 3, 3},
       {.strides = {2, 2}, .pads = {1, 1, 1, 1}, .group = 24}},
      {"grouped", {1, 16, 8, 8}, {24, 4, 3, 3}, {.pads = {1, 1, 1, 1}, .group = 4}},
      {"dilated", {1, 8, 12, 12}, {8, 8, 3, 3}, {.dilations = {2, 2}, .pads = {2, 2, 2, 2}}},
      {"asymmetric pads", {1, 4, 9, 7}, {8, 4, 3, 2}, {.pads = {0, 1, 2, 0}}},
      {"no bias", {1, 8, 6, 6}, {8, 8, 3, 3}, {.pads = {1, 1, 1, 1}}, false},
      {"auto_pad SAME_UPPER", {1, 8, 9, 9}, {8, 8, 3, 3}, {.strides = {2, 2}}, true, "SAME_UPPER"},
      {"auto_pad SAME_LOWER", {1, 8, 8, 8}, {8, 8, 4, 4}, {}, true, "SAME_LOWER"},
      {"auto_pad VALID", {1, 8, 8, 8}, {8, 8, 3, 3}, {.strides = {2, 2}}, true, "VALID"},
      {"1-D", {2, 8, 20}, {16, 8, 5}, {.pads = {2, 2}}},
      {"1-D stride 3 dilated", {1, 4, 31}, {6, 4, 3}, {.strides = {3}, .dilations = {2}}},
      {"3-D", {1, 4, 6, 6, 6}, {8, 4, 3, 3, 3}, {.pads = {1, 1, 1, 1, 1, 1}}},
  };
}

TEST(DnnlConvKernel, MatchesReference) {
  for (const ConvCase& c : Cases()) CheckConv(c);
}

TEST(DnnlConvKernel, BlockedOutputMatchesReference) {
  for (const ConvCase& c : Cases()) CheckConv(c, "", 0, 0, /*plain_output=*/false);
}

TEST(DnnlConvKernel, EveryFusedActivation) {
  const ConvCase c{"3x3", {1, 16, 8, 8}, {16, 16, 3, 3}, {.pads = {1, 1, 1, 1}}};
  CheckConv(c, "relu");
  CheckConv(c, "leaky_relu", 0.1f);
  CheckConv(c, "clip", 0.0f, 6.0f);
  CheckConv(c, "clip", -0.5f, 0.25f);
  CheckConv(c, "hard_sigmoid", 0.2f, 0.5f);
  CheckConv(c, "hard_swish");
  CheckConv(c, "sigmoid");
  CheckConv(c, "silu");
  CheckConv(c, "gelu");
  CheckConv(c, "gelu_tanh");
  CheckConv(c, "tanh");
  const ConvCase dw{"depthwise", {1, 32, 9, 9}, {32, 1, 3, 3}, {.pads = {1, 1, 1, 1}, .group = 32}};
  CheckConv(dw, "clip", 0.0f, 6.0f);
  CheckConv(dw, "hard_swish");
}

TEST(DnnlConvKernel, ActivationDefaultsFollowTheUnaryOps) {
  // leaky_relu without activation_alpha is leaky_relu(0.01).
  const ref::Tensor x = Random({1, 4, 5, 5}, 4), w = Random({4, 4, 3, 3}, 5);
  const ref::Tensor want = ReferenceActivation(*ref::Conv(x, w, nullptr, {}), "leaky_relu", 0.01f);
  rt::Result<std::vector<ref::Tensor>> got =
      RunKernel("conv", {In(x), Const(w)}, {{"activation", std::string("leaky_relu")}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(Near(got->at(0), want, kTolerance));
}

TEST(DnnlConvKernel, PreparesAgainForNewShapes) {
  const ref::Tensor w = Random({8, 4, 3, 3}, 6), b = Random({8}, 7);
  LaidOutTensor wt = LaidOutTensor::FromPlain(w), bt = LaidOutTensor::FromPlain(b);
  KernelSession session("conv", {{"pads", Ints{1, 1, 1, 1}}});
  for (int64_t size : {6, 11, 4}) {
    const ref::Tensor x = Random({2, 4, size, size + 1}, 8);
    LaidOutTensor xt = LaidOutTensor::FromPlain(x);
    rt::Result<std::vector<LaidOutTensor>> got = session.Run({{&xt}, {&wt, true}, {&bt, true}});
    ASSERT_TRUE(got.ok()) << got.status().message();
    ref::ConvParams p{.pads = {1, 1, 1, 1}};
    EXPECT_TRUE(Near(got->at(0).ToPlain(), *ref::Conv(x, w, &b, p), kTolerance));
  }
}

TEST(DnnlConvKernel, ReadsBlockedInput) {
  const ref::Tensor x = Random({1, 32, 8, 8}, 9), w = Random({16, 32, 3, 3}, 10);
  LaidOutTensor plain = LaidOutTensor::FromPlain(x);
  LaidOutTensor blocked = plain.Reordered(
      memory::desc({1, 32, 8, 8}, memory::data_type::f32, memory::format_tag::nChw16c));
  LaidOutTensor wt = LaidOutTensor::FromPlain(w);
  KernelSession session("conv", {{"pads", Ints{1, 1, 1, 1}}});
  EXPECT_TRUE(session.kernel()->ReadsBlocked(0));
  EXPECT_FALSE(session.kernel()->ReadsBlocked(1));
  rt::Result<std::vector<LaidOutTensor>> got = session.Run({{&blocked}, {&wt, true}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(
      Near(got->at(0).ToPlain(), *ref::Conv(x, w, nullptr, {.pads = {1, 1, 1, 1}}), kTolerance));
}

// conv(x, w, b, residual) with an activation: y = act(conv + b + residual), the residual added
// by a sum post-op in the output's layout; in its own buffer or (the executor's in-place plan)
// in the output's.
TEST(DnnlConvKernel, Residual) {
  const ref::Tensor x = Random({2, 16, 9, 9}, 20), w = Random({32, 16, 3, 3}, 21),
                    b = Random({32}, 22);
  const ref::ConvParams p{.strides = {2, 2}, .pads = {1, 1, 1, 1}};
  const ref::Tensor conv = *ref::Conv(x, w, &b, p);
  const ref::Tensor residual = Random(conv.shape(), 23);
  const ref::Tensor sum = *ref::Binary(ref::BinaryOp::kAdd, conv, residual);
  const TestAttrs attrs = {{"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}};
  for (const std::string activation : {"", "relu", "clip"}) {
    TestAttrs a = attrs;
    for (TestAttr& t : ActivationAttrs(activation, 0.0, 0.5)) a.push_back(t);
    const ref::Tensor want = ReferenceActivation(sum, activation, 0.0f, 0.5f);
    for (bool plain : {true, false}) {
      for (int alias : {-1, 3}) {
        SCOPED_TRACE(activation + (plain ? " plain" : " blocked") +
                     (alias >= 0 ? " in place" : ""));
        LaidOutTensor xt = LaidOutTensor::FromPlain(x), wt = LaidOutTensor::FromPlain(w),
                      bt = LaidOutTensor::FromPlain(b), res = LaidOutTensor::FromPlain(residual);
        KernelSession session("conv", a,
                              {.output_must_be_plain = plain, .output_aliases_input = alias});
        EXPECT_TRUE(session.kernel()->ReadsBlocked(3));
        rt::Result<std::vector<LaidOutTensor>> got =
            session.Run({{&xt}, {&wt, true}, {&bt, true}, {&res}});
        ASSERT_TRUE(got.ok()) << got.status().message();
        EXPECT_TRUE(session.required()[3] == got->at(0).desc());
        EXPECT_TRUE(Near(got->at(0).ToPlain(), want, kTolerance));
      }
    }
  }
  // Without a bias, and a residual of the wrong shape.
  rt::Result<std::vector<ref::Tensor>> got =
      RunKernel("conv", {In(x), Const(w), Absent(), In(residual)}, attrs);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(Near(got->at(0),
                   *ref::Binary(ref::BinaryOp::kAdd, *ref::Conv(x, w, nullptr, p), residual),
                   kTolerance));
  got = RunKernel("conv", {In(x), Const(w), Const(b), In(Random({2, 32, 9, 9}, 24))}, attrs);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("the residual has shape [2,32,9,9], but the result has "
                                        "[2,32,5,5]"),
            std::string::npos)
      << got.status().message();
}

TEST(DnnlConvKernel, RejectsBadInputs) {
  const ref::Tensor x = Random({1, 4, 5, 5}, 11), w = Random({4, 4, 3, 3}, 12);
  rt::Result<std::vector<ref::Tensor>> r = RunKernel("conv", {In(x), In(w)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("op 0 ('test_op', conv): input 1 must be a constant"),
            std::string::npos)
      << r.status().message();
  r = RunKernel("conv", {In(x), Const(Random({4, 3, 3, 3}, 13))});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("do not agree"), std::string::npos) << r.status().message();
  r = RunKernel("conv", {In(x), Const(w)}, {{"activation", std::string("swish")}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown fused activation 'swish'"), std::string::npos)
      << r.status().message();
  r = RunKernel("conv", {In(x), Const(w)}, {{"kernel_shape", Ints{5, 5}}});
  ASSERT_FALSE(r.ok());
  r = RunKernel("conv", {In(x), Const(w)}, {{"pads", Ints{1, 1}}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("op 0 ('test_op', conv): pads"), std::string::npos)
      << r.status().message();
  r = RunKernel("conv", {In(Random({1, 4, 2, 2}, 14)), Const(w)});
  ASSERT_FALSE(r.ok());  // window larger than the input
}

}  // namespace
}  // namespace kiln::cloud::testing
