// The oneDNN softmax, log_softmax, layer_norm and batch_norm kernels against ref::Softmax /
// LayerNorm / BatchNorm: max |d| / max |ref| <= 1e-5.
#include <gtest/gtest.h>

#include "runtime/reference/kernels/batch_norm.h"
#include "runtime/reference/kernels/layer_norm.h"
#include "runtime/reference/kernels/softmax.h"
#include "tests/unit/cloud/kernel_harness.h"

namespace kiln::cloud::testing {
namespace {

TEST(DnnlSoftmaxKernels, EveryAxis) {
  const ref::Tensor x = Random({2, 3, 4, 5}, 1, -5.0f, 5.0f);
  for (bool log : {false, true}) {
    for (int64_t axis : {-1, 0, 1, 2, 3, -3}) {
      SCOPED_TRACE(std::string(log ? "log_softmax" : "softmax") + " axis " + std::to_string(axis));
      rt::Result<std::vector<ref::Tensor>> got =
          RunKernel(log ? "log_softmax" : "softmax", {In(x)}, {{"axis", axis}});
      ASSERT_TRUE(got.ok()) << got.status().message();
      EXPECT_TRUE(Near(got->at(0), *ref::Softmax(x, axis, log), kTolerance));
    }
  }
  // The default axis is -1.
  const ref::Tensor logits = Random({8, 1000}, 2, -10.0f, 10.0f);
  rt::Result<std::vector<ref::Tensor>> got = RunKernel("softmax", {In(logits)});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(Near(got->at(0), *ref::Softmax(logits, -1, false), kTolerance));
}

TEST(DnnlSoftmaxKernels, BlockedInputIsRequiredPlain) {
  const ref::Shape shape = {1, 16, 3, 3};
  const ref::Tensor x = Random(shape, 3);
  LaidOutTensor xt = LaidOutTensor::FromPlain(x).Reordered(
      memory::desc(shape, memory::data_type::f32, memory::format_tag::nChw16c));
  KernelSession session("softmax", {{"axis", int64_t{1}}}, {.output_must_be_plain = false});
  rt::Result<std::vector<LaidOutTensor>> got = session.Run({{&xt}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(IsPlain(session.required()[0]));
  EXPECT_TRUE(Near(got->at(0).ToPlain(), *ref::Softmax(x, 1, false), kTolerance));
  rt::Result<std::vector<ref::Tensor>> r = RunKernel("softmax", {In(x)}, {{"axis", int64_t{4}}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("op 0 ('test_op', softmax): axis 4 is out of range"),
            std::string::npos)
      << r.status().message();
}

struct LayerNormCase {
  ref::Shape x, scale, bias;  // bias empty: none
  int64_t axis = -1;
  bool constant = true;
};

TEST(DnnlLayerNormKernel, MatchesReference) {
  const std::vector<LayerNormCase> cases = {
      {{2, 7, 64}, {64}, {64}},                   // transformer
      {{2, 7, 64}, {64}, {}},                     // no bias
      {{2, 7, 64}, {64}, {64}, -1, false},        // run-time scale and bias
      {{4, 6, 10}, {6, 10}, {10}, 1},             // two normalized dims, bias broadcast
      {{4, 6, 10}, {6, 10}, {6, 10}, -2, false},  // the same with run-time parameters
      {{3, 5}, {1}, {5}, 0},                      // the whole tensor, scalar scale
      {{5, 33}, {33}, {33}},
  };
  for (const LayerNormCase& c : cases) {
    SCOPED_TRACE(ref::ShapeString(c.x) + " axis " + std::to_string(c.axis));
    const ref::Tensor x = Random(c.x, 4, -3.0f, 3.0f), scale = Random(c.scale, 5);
    const ref::Tensor bias = c.bias.empty() ? ref::Tensor() : Random(c.bias, 6);
    const ref::Tensor want =
        ref::LayerNorm(x, scale, c.bias.empty() ? nullptr : &bias, c.axis, 1e-5f, false)->y;
    auto operand = [&](const ref::Tensor& t) { return c.constant ? Const(t) : In(t); };
    rt::Result<std::vector<ref::Tensor>> got =
        RunKernel("layer_norm", {In(x), operand(scale), c.bias.empty() ? Absent() : operand(bias)},
                  {{"axis", c.axis}, {"epsilon", 1e-5}});
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_TRUE(Near(got->at(0), want, kTolerance));
  }
}

TEST(DnnlLayerNormKernel, Epsilon) {
  // A large epsilon changes the result measurably: the attribute is read.
  const ref::Tensor x = Random({4, 16}, 7, -0.1f, 0.1f), scale = Random({16}, 8);
  const ref::Tensor want = ref::LayerNorm(x, scale, nullptr, -1, 0.01f, false)->y;
  rt::Result<std::vector<ref::Tensor>> got =
      RunKernel("layer_norm", {In(x), Const(scale)}, {{"epsilon", 0.01}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(Near(got->at(0), want, kTolerance));
}

TEST(DnnlLayerNormKernel, RejectsWhatItCannotDo) {
  const ref::Tensor x = Random({4, 6, 10}, 9), scale = Random({10}, 10);
  rt::Result<std::vector<ref::Tensor>> r =
      RunKernel("layer_norm", {In(x), In(scale)}, {{"axis", int64_t{1}}});
  ASSERT_FALSE(r.ok());  // a run-time scale that must be broadcast
  EXPECT_NE(r.status().message().find("needs a constant"), std::string::npos)
      << r.status().message();
  r = RunKernel("layer_norm", {In(x), Const(scale)}, {}, {.num_outputs = 3});
  ASSERT_FALSE(r.ok());
  r = RunKernel("layer_norm", {In(x), Const(Random({7}, 11))});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("does not broadcast"), std::string::npos)
      << r.status().message();
}

void CheckBatchNorm(const ref::Shape& shape, const memory::desc& layout, bool constant,
                    bool plain_output) {
  SCOPED_TRACE(ref::ShapeString(shape));
  const int64_t c = shape[1];
  const ref::Tensor x = Random(shape, 12), scale = Random({c}, 13), bias = Random({c}, 14),
                    mean = Random({c}, 15), var = Random({c}, 16, 0.5f, 2.0f);
  const ref::Tensor want = *ref::BatchNorm(x, scale, bias, mean, var, 1e-3f);
  std::vector<LaidOutTensor> params;
  for (const ref::Tensor* t : {&scale, &bias, &mean, &var}) {
    params.push_back(LaidOutTensor::FromPlain(*t));
  }
  LaidOutTensor xt = LaidOutTensor::FromPlain(x);
  if (!layout.is_zero()) xt = xt.Reordered(layout);
  KernelSession session("batch_norm", {{"epsilon", 1e-3}}, {.output_must_be_plain = plain_output});
  rt::Result<std::vector<LaidOutTensor>> got = session.Run({{&xt},
                                                            {&params[0], constant},
                                                            {&params[1], constant},
                                                            {&params[2], constant},
                                                            {&params[3], constant}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  if (!layout.is_zero() && !plain_output) {
    EXPECT_TRUE(got->at(0).desc() == layout);
  }
  if (plain_output) {
    EXPECT_TRUE(IsPlain(got->at(0).desc()));
  }
  EXPECT_TRUE(Near(got->at(0).ToPlain(), want, kTolerance));
}

TEST(DnnlBatchNormKernel, MatchesReference) {
  for (bool constant : {true, false}) {
    CheckBatchNorm({2, 8, 5, 5}, {}, constant, true);
    CheckBatchNorm({2, 8, 7}, {}, constant, true);
    CheckBatchNorm({2, 8}, {}, constant, true);
    CheckBatchNorm({1, 4, 3, 3, 3}, {}, constant, true);
  }
  const ref::Shape shape = {2, 24, 4, 4};
  for (memory::format_tag tag : {memory::format_tag::nChw16c, memory::format_tag::nhwc}) {
    const memory::desc layout(shape, memory::data_type::f32, tag);
    CheckBatchNorm(shape, layout, true, false);
    CheckBatchNorm(shape, layout, true, true);
  }
}

TEST(DnnlBatchNormKernel, RejectsTrainingMode) {
  const ref::Tensor x = Random({1, 2, 3, 3}, 17), p = Random({2}, 18, 0.5f, 1.0f);
  rt::Result<std::vector<ref::Tensor>> r =
      RunKernel("batch_norm", {In(x), Const(p), Const(p), Const(p), Const(p)},
                {{"training_mode", int64_t{1}}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("op 0 ('test_op', batch_norm): batch_norm in training"),
            std::string::npos)
      << r.status().message();
  r = RunKernel("batch_norm", {In(x), Const(p), Const(p), Const(p), Const(Random({3}, 19))});
  ASSERT_FALSE(r.ok());
}

}  // namespace
}  // namespace kiln::cloud::testing
