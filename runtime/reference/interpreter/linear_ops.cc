// Op kernels for conv, conv_transpose, gemm, matmul and linear: read the op's attributes into
// the kernels' parameter structs, add the residual (conv, linear) and run the fused activation
// if the op has them, and check the result dtypes against the op's result types. A conv with
// layout NHWC runs the same kernel between transposes.
#include <string>

#include "ir/dynamic_quant.h"
#include "ir/fused_activation.h"
#include "ir/layout.h"
#include "runtime/reference/interpreter/conv_params.h"
#include "runtime/reference/interpreter/fused_activation.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/binary.h"
#include "runtime/reference/kernels/conv.h"
#include "runtime/reference/kernels/conv_transpose.h"
#include "runtime/reference/kernels/dynamic_quantize.h"
#include "runtime/reference/kernels/gemm.h"
#include "runtime/reference/kernels/matmul.h"
#include "runtime/reference/kernels/transpose.h"

namespace kiln::ref {
namespace {

// Result 0 after the op's fused activation.
Status SetActivatedResult(OpKernelContext& ctx, rt::Result<Tensor> computed) {
  Expected<Tensor> y = ApplyFusedActivation(ctx.op, std::move(computed), ctx.threads);
  if (!y) return y.error();
  return SetResult(ctx, 0, std::move(*y));
}

// `computed` plus the op's residual operand when it has one, with the same add kernel as a
// stand-alone add, so conv -> add -> relu and the fused conv agree bit for bit. No
// broadcasting: the residual has exactly the result's shape.
rt::Result<Tensor> AddResidual(const OpKernelContext& ctx, rt::Result<Tensor> computed) {
  const Tensor* residual = ctx.operand(ir::kResidualOperand);
  if (!computed.ok() || residual == nullptr) return computed;
  if (residual->shape() != computed->shape()) {
    return rt::Status::Error("the residual has shape " + ShapeString(residual->shape()) +
                             ", but the result has " + ShapeString(computed->shape()));
  }
  return Binary(BinaryOp::kAdd, *computed, *residual, ctx.threads);
}

Status CheckOperands(const OpKernelContext& ctx, int required) {
  for (int i = 0; i < required; ++i) {
    if (ctx.operand(i) == nullptr)
      return Status::Error("operand " + std::to_string(i) + " is missing");
  }
  return Status::Ok();
}

// An NHWC conv (ir/layout.h) on the NCHW kernel: x [N,H,W,C] to NCHW, the weight from
// [O,kh,kw,I/g] (OHWI) or [1,kh,kw,O] (depthwise) to [O,I/g,kh,kw], the result back to NHWC.
// The weight is repacked on every run: the reference runtime keeps one conv kernel.
rt::Result<Tensor> ConvNhwc(const Tensor& x, const Tensor& w, const Tensor* bias,
                            const ConvParams& p, int threads) {
  if (x.rank() != 4 || w.rank() != 4) {
    return rt::Status::Error("layout NHWC takes a 4-D input and weight, got " +
                             ShapeString(x.shape()) + " and " + ShapeString(w.shape()));
  }
  static constexpr int64_t kToNchw[] = {0, 3, 1, 2};
  static constexpr int64_t kToNhwc[] = {0, 2, 3, 1};
  static constexpr int64_t kDepthwiseToOihw[] = {3, 0, 1, 2};
  const bool depthwise =
      ir::NhwcConvWeightForm(p.group, w.shape()[0]) == ir::NhwcWeightForm::kDepthwise;
  rt::Result<Tensor> x_nchw = Transpose(x, kToNchw);
  if (!x_nchw.ok()) return x_nchw;
  rt::Result<Tensor> w_oihw = Transpose(w, depthwise ? kDepthwiseToOihw : kToNchw);
  if (!w_oihw.ok()) return w_oihw;
  rt::Result<Tensor> y = Conv(*x_nchw, *w_oihw, bias, p, threads);
  if (!y.ok()) return y;
  return Transpose(*y, kToNhwc);
}

Status RunConv(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 2); !s.ok()) return s;
  Expected<ConvParams> params = ConvParamsOf(ctx.op);
  if (!params) return params.error();
  const ConvParams& p = *params;
  Expected<ir::Layout> layout = ir::GetLayout(ctx.op);
  if (!layout) return layout.error();
  const Tensor& x = *ctx.operand(0);
  const Tensor& w = *ctx.operand(1);
  rt::Result<Tensor> y = *layout == ir::Layout::kNhwc
                             ? ConvNhwc(x, w, ctx.operand(2), p, ctx.threads)
                             : Conv(x, w, ctx.operand(2), p, ctx.threads);
  return SetActivatedResult(ctx, AddResidual(ctx, std::move(y)));
}

Status RunConvTranspose(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 2); !s.ok()) return s;
  const ir::AttrMap& attrs = ctx.op.attrs();
  rt::Result<AutoPad> auto_pad = ParseAutoPad(attrs.GetString("auto_pad"));
  if (!auto_pad.ok()) return FromRt(auto_pad.status());
  ConvTransposeParams p;
  p.kernel_shape = attrs.GetInts("kernel_shape");
  p.strides = attrs.GetInts("strides");
  p.dilations = attrs.GetInts("dilations");
  p.pads = attrs.GetInts("pads");
  p.output_padding = attrs.GetInts("output_padding");
  p.output_shape = attrs.GetInts("output_shape");
  p.auto_pad = *auto_pad;
  p.group = attrs.GetInt("group", 1);
  return SetActivatedResult(
      ctx, ConvTranspose(*ctx.operand(0), *ctx.operand(1), ctx.operand(2), p, ctx.threads));
}

// Operand 0 of a gemm, matmul or linear: through its dynamic u8 grid when the op is marked
// `dynamic_quant` (int8-dynamic, docs/quantization.md), else as it is. `storage` keeps the
// quantized copy alive.
Expected<const Tensor*> ActivationOf(const OpKernelContext& ctx, Tensor& storage) {
  if (!ir::IsDynamicQuant(ctx.op)) return ctx.operand(0);
  rt::Result<Tensor> q = FakeQuantizeDynamicU8(*ctx.operand(0));
  if (!q.ok()) return FromRt(q.status());
  storage = std::move(*q);
  return &storage;
}

Status RunGemm(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 2); !s.ok()) return s;
  Tensor a_storage;
  Expected<const Tensor*> a = ActivationOf(ctx, a_storage);
  if (!a) return a.error();
  const ir::AttrMap& attrs = ctx.op.attrs();
  GemmParams p;
  p.alpha = static_cast<float>(attrs.GetFloat("alpha", 1.0));
  p.beta = static_cast<float>(attrs.GetFloat("beta", 1.0));
  p.trans_a = attrs.GetInt("trans_a", 0) != 0;
  p.trans_b = attrs.GetInt("trans_b", 0) != 0;
  return SetActivatedResult(ctx, Gemm(**a, *ctx.operand(1), ctx.operand(2), p, ctx.threads));
}

Status RunMatMul(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 2); !s.ok()) return s;
  Tensor a_storage;
  Expected<const Tensor*> a = ActivationOf(ctx, a_storage);
  if (!a) return a.error();
  return SetActivatedResult(ctx, MatMul(**a, *ctx.operand(1), ctx.threads));
}

Status RunLinear(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 2); !s.ok()) return s;
  if (ctx.operand(1)->rank() != 2) {
    return Status::Error("the weight has shape " + ShapeString(ctx.operand(1)->shape()) +
                         ", but linear takes [K, N]");
  }
  if (ctx.operand(0)->rank() < 1) return Status::Error("operand 0 is a scalar");
  Tensor x_storage;
  Expected<const Tensor*> x = ActivationOf(ctx, x_storage);
  if (!x) return x.error();
  rt::Result<Tensor> y = MatMul(**x, *ctx.operand(1), ctx.threads);
  if (y.ok() && ctx.operand(2) != nullptr) {
    y = Binary(BinaryOp::kAdd, *y, *ctx.operand(2), ctx.threads);
  }
  return SetActivatedResult(ctx, AddResidual(ctx, std::move(y)));
}

}  // namespace

void RegisterLinearOps(OpKernelTable& table) {
  table.Register(ir::OpKind::kConv, RunConv);
  table.Register(ir::OpKind::kConvTranspose, RunConvTranspose);
  table.Register(ir::OpKind::kGemm, RunGemm);
  table.Register(ir::OpKind::kMatMul, RunMatMul);
  table.Register(ir::OpKind::kLinear, RunLinear);
}

}  // namespace kiln::ref
