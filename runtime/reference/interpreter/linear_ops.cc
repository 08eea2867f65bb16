// Op kernels for conv, conv_transpose, gemm and matmul: read the op's attributes into the
// kernels' parameter structs and check the result dtypes against the op's result types.
#include <string>

#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/conv.h"
#include "runtime/reference/kernels/conv_transpose.h"
#include "runtime/reference/kernels/gemm.h"
#include "runtime/reference/kernels/matmul.h"

namespace kiln::ref {
namespace {

// Moves a kernel's tensor into result `i` after checking its dtype against the op's type.
Status SetResult(OpKernelContext& ctx, int i, rt::Result<Tensor> tensor) {
  if (!tensor.ok()) return FromRt(tensor.status());
  const DType want = DTypeOf(ctx.result_type(i).scalar());
  if (tensor->dtype() != want) {
    return Status::Error("result " + std::to_string(i) + " is " +
                         std::string(rt::DTypeName(tensor->dtype())) + " but the op says " +
                         std::string(rt::DTypeName(want)));
  }
  ctx.results[i] = std::move(*tensor);
  return Status::Ok();
}

Status CheckOperands(const OpKernelContext& ctx, int required) {
  for (int i = 0; i < required; ++i) {
    if (ctx.operand(i) == nullptr)
      return Status::Error("operand " + std::to_string(i) + " is missing");
  }
  return Status::Ok();
}

Status RunConv(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 2); !s.ok()) return s;
  const ir::AttrMap& attrs = ctx.op.attrs();
  rt::Result<AutoPad> auto_pad = ParseAutoPad(attrs.GetString("auto_pad"));
  if (!auto_pad.ok()) return FromRt(auto_pad.status());
  ConvParams p;
  p.kernel_shape = attrs.GetInts("kernel_shape");
  p.strides = attrs.GetInts("strides");
  p.dilations = attrs.GetInts("dilations");
  p.pads = attrs.GetInts("pads");
  p.auto_pad = *auto_pad;
  p.group = attrs.GetInt("group", 1);
  return SetResult(ctx, 0, Conv(*ctx.operand(0), *ctx.operand(1), ctx.operand(2), p, ctx.threads));
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
  return SetResult(ctx, 0,
                   ConvTranspose(*ctx.operand(0), *ctx.operand(1), ctx.operand(2), p, ctx.threads));
}

Status RunGemm(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 2); !s.ok()) return s;
  const ir::AttrMap& attrs = ctx.op.attrs();
  GemmParams p;
  p.alpha = static_cast<float>(attrs.GetFloat("alpha", 1.0));
  p.beta = static_cast<float>(attrs.GetFloat("beta", 1.0));
  p.trans_a = attrs.GetInt("trans_a", 0) != 0;
  p.trans_b = attrs.GetInt("trans_b", 0) != 0;
  return SetResult(ctx, 0, Gemm(*ctx.operand(0), *ctx.operand(1), ctx.operand(2), p, ctx.threads));
}

Status RunMatMul(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 2); !s.ok()) return s;
  return SetResult(ctx, 0, MatMul(*ctx.operand(0), *ctx.operand(1), ctx.threads));
}

}  // namespace

void RegisterLinearOps(OpKernelTable& table) {
  table.Register(ir::OpKind::kConv, RunConv);
  table.Register(ir::OpKind::kConvTranspose, RunConvTranspose);
  table.Register(ir::OpKind::kGemm, RunGemm);
  table.Register(ir::OpKind::kMatMul, RunMatMul);
}

}  // namespace kiln::ref
