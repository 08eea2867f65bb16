// Kernels chained the way the executor runs them, with blocked layouts flowing from one oneDNN
// op to the next: conv -> relu -> conv -> add (residual) -> global_average_pool, and
// conv -> max_pool -> batch_norm -> concat; only the last result must be plain. Checked against
// the same chain of reference kernels (max |d| / max |ref| <= 1e-5), and that no reorder was
// needed between the oneDNN ops. Also a resnet bottleneck after a Winograd conv.
#include <gtest/gtest.h>

#include "runtime/reference/kernels/batch_norm.h"
#include "runtime/reference/kernels/binary.h"
#include "runtime/reference/kernels/concat.h"
#include "runtime/reference/kernels/conv.h"
#include "runtime/reference/kernels/pool.h"
#include "runtime/reference/kernels/unary.h"
#include "tests/unit/cloud/kernel_harness.h"

namespace kiln::cloud::testing {
namespace {

// One step of the chain: runs `session` and checks it needed no reorder of `inputs` (every
// run-time input already in the layout the kernel required).
LaidOutTensor Step(KernelSession& session, const std::vector<Operand>& inputs) {
  rt::Result<std::vector<LaidOutTensor>> out = session.Run(inputs);
  EXPECT_TRUE(out.ok()) << out.status().message();
  if (!out.ok()) return LaidOutTensor();
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].tensor == nullptr || inputs[i].constant) continue;
    const memory::desc& required = session.required()[i];
    EXPECT_TRUE(required.is_zero() || required == inputs[i].tensor->desc())
        << "input " << i << " needed a reorder";
  }
  return out->at(0);
}

TEST(DnnlBlockedChain, ConvReluConvAddPool) {
  const ref::Tensor x = Random({1, 16, 14, 14}, 1);
  const ref::Tensor w1 = Random({32, 16, 3, 3}, 2, -0.2f, 0.2f), b1 = Random({32}, 3);
  const ref::Tensor w2 = Random({32, 32, 3, 3}, 4, -0.1f, 0.1f), b2 = Random({32}, 5);
  const ref::ConvParams p{.pads = {1, 1, 1, 1}};
  // Reference.
  const ref::Tensor r1 = *ref::Conv(x, w1, &b1, p);
  const ref::Tensor r2 = *ref::Unary(ref::UnaryOp::kRelu, r1);
  const ref::Tensor r3 = *ref::Conv(r2, w2, &b2, p);
  const ref::Tensor r4 = *ref::Binary(ref::BinaryOp::kAdd, r3, r1);
  const ref::Tensor r5 = *ref::GlobalAveragePool(r4);

  const CallOptions blocked = {.output_must_be_plain = false};
  const TestAttrs pads = {{"pads", Ints{1, 1, 1, 1}}};
  LaidOutTensor xt = LaidOutTensor::FromPlain(x);
  LaidOutTensor w1t = LaidOutTensor::FromPlain(w1), b1t = LaidOutTensor::FromPlain(b1);
  LaidOutTensor w2t = LaidOutTensor::FromPlain(w2), b2t = LaidOutTensor::FromPlain(b2);
  KernelSession conv1("conv", pads, blocked), relu("relu", {}, blocked),
      conv2("conv", pads, blocked), add("add", {}, blocked), pool("global_average_pool", {});

  // The model input is plain; conv1 may want it otherwise (the executor's reorder).
  rt::Result<std::vector<LaidOutTensor>> c1 = conv1.Run({{&xt}, {&w1t, true}, {&b1t, true}});
  ASSERT_TRUE(c1.ok()) << c1.status().message();
  const LaidOutTensor t1 = c1->at(0);
  EXPECT_FALSE(IsPlain(t1.desc())) << "conv chose a plain output";
  const LaidOutTensor t2 = Step(relu, {{&t1}});
  const LaidOutTensor t3 = Step(conv2, {{&t2}, {&w2t, true}, {&b2t, true}});
  const LaidOutTensor t4 = Step(add, {{&t3}, {&t1}});
  EXPECT_TRUE(t2.desc() == t1.desc());
  EXPECT_TRUE(t4.desc() == t3.desc());
  const LaidOutTensor t5 = Step(pool, {{&t4}});

  EXPECT_TRUE(Near(t1.ToPlain(), r1, kTolerance));
  EXPECT_TRUE(Near(t3.ToPlain(), r3, kTolerance));
  EXPECT_TRUE(Near(t4.ToPlain(), r4, kTolerance));
  ASSERT_TRUE(t5.dims() == ref::Shape({1, 32, 1, 1}));
  EXPECT_TRUE(Near(t5.ToPlain(), r5, kTolerance));
}

// A resnet bottleneck: 3x3 conv (Winograd on AVX-512, which runs in nChw16c only) -> 1x1 conv
// -> 1x1 conv whose residual is the 3x3's output. The 1x1 convs follow the 3x3's layout (by
// themselves oneDNN would pick nhwc), so nothing reorders after the first conv.
TEST(DnnlBlockedChain, BottleneckAfterWinogradConv) {
  const ref::Tensor x = Random({1, 64, 14, 14}, 11);
  const ref::Tensor w1 = Random({64, 64, 3, 3}, 12, -0.05f, 0.05f), b1 = Random({64}, 13);
  const ref::Tensor w2 = Random({32, 64, 1, 1}, 14, -0.2f, 0.2f), b2 = Random({32}, 15);
  const ref::Tensor w3 = Random({64, 32, 1, 1}, 16, -0.2f, 0.2f), b3 = Random({64}, 17);
  const ref::Tensor r1 = *ref::Conv(x, w1, &b1, {.pads = {1, 1, 1, 1}});
  const ref::Tensor r2 = *ref::Conv(r1, w2, &b2, {});
  const ref::Tensor r3 = *ref::Unary(
      ref::UnaryOp::kRelu, *ref::Binary(ref::BinaryOp::kAdd, *ref::Conv(r2, w3, &b3, {}), r1));

  const CallOptions blocked = {.output_must_be_plain = false};
  LaidOutTensor xt = LaidOutTensor::FromPlain(x);
  LaidOutTensor w1t = LaidOutTensor::FromPlain(w1), b1t = LaidOutTensor::FromPlain(b1);
  LaidOutTensor w2t = LaidOutTensor::FromPlain(w2), b2t = LaidOutTensor::FromPlain(b2);
  LaidOutTensor w3t = LaidOutTensor::FromPlain(w3), b3t = LaidOutTensor::FromPlain(b3);
  KernelSession conv1("conv", {{"pads", Ints{1, 1, 1, 1}}}, blocked), conv2("conv", {}, blocked),
      conv3("conv", {{"activation", std::string("relu")}}, blocked);

  rt::Result<std::vector<LaidOutTensor>> c1 = conv1.Run({{&xt}, {&w1t, true}, {&b1t, true}});
  ASSERT_TRUE(c1.ok()) << c1.status().message();
  const LaidOutTensor t1 = c1->at(0);
  const LaidOutTensor t2 = Step(conv2, {{&t1}, {&w2t, true}, {&b2t, true}});
  const LaidOutTensor t3 = Step(conv3, {{&t2}, {&w3t, true}, {&b3t, true}, {&t1}});
  EXPECT_TRUE(t3.desc() == t1.desc());

  EXPECT_TRUE(Near(t1.ToPlain(), r1, kTolerance));
  EXPECT_TRUE(Near(t2.ToPlain(), r2, kTolerance));
  EXPECT_TRUE(Near(t3.ToPlain(), r3, kTolerance));
}

TEST(DnnlBlockedChain, ConvPoolBatchNormConcat) {
  const ref::Tensor x = Random({2, 8, 12, 12}, 6);
  const ref::Tensor w = Random({16, 8, 3, 3}, 7, -0.3f, 0.3f);
  const ref::Tensor scale = Random({16}, 8), bias = Random({16}, 9), mean = Random({16}, 10),
                    var = Random({16}, 11, 0.5f, 2.0f);
  const ref::ConvParams cp{.strides = {2, 2}, .pads = {1, 1, 1, 1}};
  const ref::PoolParams pp{.kernel_shape = {2, 2}, .strides = {2, 2}};
  const ref::Tensor r1 = *ref::Conv(x, w, nullptr, cp);
  const ref::Tensor r2 = ref::MaxPool(r1, pp, false)->values;
  const ref::Tensor r3 = *ref::BatchNorm(r2, scale, bias, mean, var, 1e-5f);
  const ref::Tensor r4 = *ref::Concat(std::vector<ref::Tensor>{r3, r2}, 1);

  const CallOptions blocked = {.output_must_be_plain = false};
  LaidOutTensor xt = LaidOutTensor::FromPlain(x), wt = LaidOutTensor::FromPlain(w);
  std::vector<LaidOutTensor> params;
  for (const ref::Tensor* t : {&scale, &bias, &mean, &var}) {
    params.push_back(LaidOutTensor::FromPlain(*t));
  }
  KernelSession conv("conv", {{"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}}, blocked);
  KernelSession pool("max_pool", {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}}, blocked);
  KernelSession bn("batch_norm", {}, blocked);
  KernelSession concat("concat", {{"axis", int64_t{1}}});  // a model output: plain

  rt::Result<std::vector<LaidOutTensor>> c = conv.Run({{&xt}, {&wt, true}});
  ASSERT_TRUE(c.ok()) << c.status().message();
  const LaidOutTensor t1 = c->at(0);
  const LaidOutTensor t2 = Step(pool, {{&t1}});
  const LaidOutTensor t3 = Step(
      bn, {{&t2}, {&params[0], true}, {&params[1], true}, {&params[2], true}, {&params[3], true}});
  EXPECT_FALSE(IsPlain(t2.desc()));
  EXPECT_TRUE(t3.desc() == t2.desc());
  rt::Result<std::vector<LaidOutTensor>> t4 = concat.Run({{&t3}, {&t2}});
  ASSERT_TRUE(t4.ok()) << t4.status().message();
  EXPECT_TRUE(IsPlain(t4->at(0).desc()));
  EXPECT_TRUE(Near(t4->at(0).ToPlain(), r4, kTolerance));
}

}  // namespace
}  // namespace kiln::cloud::testing
