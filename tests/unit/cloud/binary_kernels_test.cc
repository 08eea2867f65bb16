// The oneDNN binary kernels (add, sub, mul, div, max, min, pow) against ref::Binary: numpy
// broadcasting (either operand, both, different ranks), blocked layouts for same-shape and
// per-channel operands, variadic max/min. max |d| / max |ref| <= 1e-5.
#include <gtest/gtest.h>

#include "runtime/reference/kernels/binary.h"
#include "tests/unit/cloud/kernel_harness.h"

namespace kiln::cloud::testing {
namespace {

using ref::BinaryOp;

struct BinaryKernelCase {
  std::string kernel;
  BinaryOp op;
};

const std::vector<BinaryKernelCase>& Ops() {
  static const std::vector<BinaryKernelCase> ops = {
      {"add", BinaryOp::kAdd}, {"sub", BinaryOp::kSub}, {"mul", BinaryOp::kMul},
      {"div", BinaryOp::kDiv}, {"max", BinaryOp::kMax}, {"min", BinaryOp::kMin},
  };
  return ops;
}

// Operands away from zero so div stays well conditioned.
ref::Tensor Operand(const ref::Shape& shape, uint32_t seed) {
  return Random(shape, seed, 0.5f, 2.0f);
}

struct Shapes {
  ref::Shape a, b;
};

const std::vector<Shapes>& BroadcastShapes() {
  static const std::vector<Shapes> shapes = {
      {{2, 3, 4, 5}, {2, 3, 4, 5}},  // same
      {{2, 3, 4, 5}, {1, 3, 1, 1}},  // per channel
      {{2, 3, 4, 5}, {3, 1, 1}},     // per channel, lower rank
      {{2, 3, 4, 5}, {5}},           // last dim
      {{2, 3, 4, 5}, {1}},           // scalar-like
      {{2, 3, 4, 5}, {}},            // scalar
      {{4, 5}, {2, 3, 4, 5}},        // the first operand broadcasts
      {{3, 1}, {1, 4}},              // both broadcast
      {{2, 1, 4}, {3, 1}},           // both broadcast, different ranks
      {{1, 3, 1, 1}, {2, 3, 4, 5}},  // the first operand per channel
  };
  return shapes;
}

TEST(DnnlBinaryKernels, BroadcastMatchesReference) {
  for (const BinaryKernelCase& op : Ops()) {
    for (const Shapes& s : BroadcastShapes()) {
      SCOPED_TRACE(op.kernel + " " + ref::ShapeString(s.a) + " " + ref::ShapeString(s.b));
      const ref::Tensor a = Operand(s.a, 1), b = Operand(s.b, 2);
      rt::Result<std::vector<ref::Tensor>> got = RunKernel(op.kernel, {In(a), In(b)});
      ASSERT_TRUE(got.ok()) << got.status().message();
      EXPECT_TRUE(Near(got->at(0), *ref::Binary(op.op, a, b), kTolerance));
    }
  }
}

TEST(DnnlBinaryKernels, ConstantOperands) {
  const ref::Tensor a = Operand({2, 8, 3, 3}, 3), b = Operand({1, 8, 1, 1}, 4);
  rt::Result<std::vector<ref::Tensor>> got = RunKernel("mul", {In(a), Const(b)});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(Near(got->at(0), *ref::Binary(BinaryOp::kMul, a, b), kTolerance));
  got = RunKernel("sub", {Const(b), In(a)});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(Near(got->at(0), *ref::Binary(BinaryOp::kSub, b, a), kTolerance));
}

// Blocked first operand: the output keeps its layout (a same-shape second operand is required
// in it, a broadcast one is laid out like it by the kernel), except where oneDNN has only its
// slow reference kernel for that (div on some blocked layouts): then everything is plain.
// `must_keep`: the layout must be kept (for every op but div).
void CheckBlocked(const memory::desc& layout, const ref::Shape& b_shape, bool b_blocked,
                  bool must_keep, bool b_constant = false) {
  const ref::Shape shape = layout.dims();
  for (const BinaryKernelCase& op : Ops()) {
    SCOPED_TRACE(op.kernel + " " + ref::ShapeString(shape) + " with " + ref::ShapeString(b_shape));
    const ref::Tensor a = Operand(shape, 5), b = Operand(b_shape, 6);
    LaidOutTensor at = LaidOutTensor::FromPlain(a).Reordered(layout);
    LaidOutTensor bt = LaidOutTensor::FromPlain(b);
    if (b_blocked) bt = bt.Reordered(layout);
    KernelSession session(op.kernel, {}, {.output_must_be_plain = false});
    EXPECT_TRUE(session.kernel()->ReadsBlocked(0));
    EXPECT_TRUE(session.kernel()->ReadsBlocked(1));
    rt::Result<std::vector<LaidOutTensor>> got = session.Run({{&at}, {&bt, b_constant}});
    ASSERT_TRUE(got.ok()) << got.status().message();
    const bool kept = got->at(0).desc() == layout;
    if (must_keep && op.op != BinaryOp::kDiv) {
      EXPECT_TRUE(kept);
    } else {
      EXPECT_TRUE(kept || IsPlain(got->at(0).desc()));
    }
    EXPECT_TRUE(session.required()[0] == got->at(0).desc());
    if (kept && b_shape == shape) {
      EXPECT_TRUE(session.required()[1] == layout);
    }
    EXPECT_TRUE(Near(got->at(0).ToPlain(), *ref::Binary(op.op, a, b), kTolerance));
  }
}

// The layout a 3x3 conv writes [N, C, H, W] in on this CPU (nhwc on AVX-512, blocked on AVX2):
// what a binary op after a conv sees.
memory::desc ConvOutputLayout(const ref::Shape& shape) {
  const memory::dims w = {shape[1], shape[1], 3, 3};
  const memory::dims one = {1, 1}, pad = {1, 1}, none = {0, 0};
  dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference,
                                       dnnl::algorithm::convolution_direct,
                                       AnyDesc(shape, rt::DType::kF32), AnyDesc(w, rt::DType::kF32),
                                       AnyDesc(shape, rt::DType::kF32), one, none, pad, pad);
  return dnnl::convolution_forward::primitive_desc(desc, CpuEngine()).dst_desc();
}

TEST(DnnlBinaryKernels, BlockedLayouts) {
  const ref::Shape shape = {2, 32, 5, 5};
  for (const memory::desc& conv : {ConvOutputLayout(shape), ConvOutputLayout({1, 24, 3, 3})}) {
    const ref::Shape s = conv.dims();
    const ref::Shape per_channel = {1, s[1], 1, 1};
    CheckBlocked(conv, s, true, true);
    CheckBlocked(conv, s, false, true);  // the second is reordered to the first's layout
    CheckBlocked(conv, per_channel, false, true);
    CheckBlocked(conv, per_channel, false, true, true);   // a constant, packed once
    CheckBlocked(conv, {s[0], s[1], 1, 1}, false, true);  // squeeze-excite scales
    CheckBlocked(conv, {s[1], 1, 1}, false, true);
    CheckBlocked(conv, {1}, false, true);
    CheckBlocked(conv, {s[1], s[2], s[3]}, false, true);  // lower rank, same element count
  }
  // Other blockings: kept where oneDNN has a fast kernel for them, else plain; right either way.
  for (memory::format_tag tag :
       {memory::format_tag::nChw16c, memory::format_tag::nChw8c, memory::format_tag::nhwc}) {
    const memory::desc layout(shape, memory::data_type::f32, tag);
    CheckBlocked(layout, shape, true, false);
    CheckBlocked(layout, {1, 32, 1, 1}, false, false);
    CheckBlocked(layout, {1}, false, false);
  }
}

TEST(DnnlBinaryKernels, BlockedInputsPlainOutput) {
  const ref::Shape shape = {1, 16, 4, 4};
  const memory::desc layout(shape, memory::data_type::f32, memory::format_tag::nChw16c);
  const ref::Tensor a = Operand(shape, 7), b = Operand(shape, 8);
  LaidOutTensor at = LaidOutTensor::FromPlain(a).Reordered(layout);
  LaidOutTensor bt = LaidOutTensor::FromPlain(b).Reordered(layout);
  KernelSession session("add", {});
  rt::Result<std::vector<LaidOutTensor>> got = session.Run({{&at}, {&bt}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(IsPlain(got->at(0).desc()));
  EXPECT_TRUE(Near(got->at(0).ToPlain(), *ref::Binary(BinaryOp::kAdd, a, b), kTolerance));
}

TEST(DnnlBinaryKernels, VariadicMaxMin) {
  const ref::Tensor a = Operand({3, 1}, 9), b = Operand({1, 4}, 10), c = Operand({2, 3, 4}, 11);
  for (const auto& [kernel, op] :
       {std::pair{"max", BinaryOp::kMax}, std::pair{"min", BinaryOp::kMin}}) {
    SCOPED_TRACE(kernel);
    const ref::Tensor want = *ref::Binary(op, *ref::Binary(op, a, b), c);
    rt::Result<std::vector<ref::Tensor>> got = RunKernel(kernel, {In(a), In(b), In(c)});
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_TRUE(Near(got->at(0), want, kTolerance));
    got = RunKernel(kernel, {In(a)});
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_TRUE(Near(got->at(0), a, 0.0));
  }
}

TEST(DnnlBinaryKernels, Pow) {
  const ref::Tensor a = Operand({2, 3, 4}, 12);
  // A constant scalar exponent (f32, i64) is oneDNN's eltwise_pow.
  for (const ref::Tensor& e : {Scalar(2.0f, {}), Scalar(0.5f), Scalar(-1.5f, {1, 1, 1, 1}),
                               ref::Tensor::FromVector<int64_t>(rt::DType::kI64, {}, {3})}) {
    const ref::Tensor e32 = e.dtype() == rt::DType::kF32 ? e : Scalar(3.0f, {});
    rt::Result<std::vector<ref::Tensor>> got = RunKernel("pow", {In(a), Const(e)});
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_TRUE(Near(got->at(0), *ref::Binary(BinaryOp::kPow, a, e32), kTolerance));
  }
  // A tensor exponent, broadcast either way.
  for (const Shapes& s : BroadcastShapes()) {
    SCOPED_TRACE(ref::ShapeString(s.a) + " ** " + ref::ShapeString(s.b));
    const ref::Tensor x = Operand(s.a, 13), y = Random(s.b, 14, -2.0f, 2.0f);
    rt::Result<std::vector<ref::Tensor>> got = RunKernel("pow", {In(x), In(y)});
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_TRUE(Near(got->at(0), *ref::Binary(BinaryOp::kPow, x, y), kTolerance));
  }
  // Blocked base with a scalar exponent keeps its layout.
  const ref::Shape shape = {1, 16, 3, 3};
  const memory::desc layout(shape, memory::data_type::f32, memory::format_tag::nChw16c);
  const ref::Tensor x = Operand(shape, 15), e = Scalar(2.0f);
  LaidOutTensor xt = LaidOutTensor::FromPlain(x).Reordered(layout),
                et = LaidOutTensor::FromPlain(e);
  KernelSession session("pow", {}, {.output_must_be_plain = false});
  rt::Result<std::vector<LaidOutTensor>> got = session.Run({{&xt}, {&et, true}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(got->at(0).desc() == layout);
  EXPECT_TRUE(Near(got->at(0).ToPlain(), *ref::Binary(BinaryOp::kPow, x, e), kTolerance));
}

TEST(DnnlBinaryKernels, RejectBadInputs) {
  rt::Result<std::vector<ref::Tensor>> r =
      RunKernel("add", {In(Operand({2, 3}, 1)), In(Operand({4}, 2))});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(
      r.status().message().find("op 0 ('test_op', add): shapes [2,3] and [4] do not broadcast"),
      std::string::npos)
      << r.status().message();
  r = RunKernel("sub", {In(Operand({2, 3}, 1))});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("takes two inputs"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace kiln::cloud::testing
