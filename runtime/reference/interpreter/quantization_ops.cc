// Op kernels for quantize and dequantize. The scales are not operands: they come from the
// QuantSpec of the quantized side's type (the result of quantize, the operand of dequantize).
#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/quantize.h"

namespace kiln::ref {
namespace {

Expected<QuantParams> ParamsOf(const ir::TensorType& type, const char* side) {
  Expected<QuantParams> p = QuantParamsOf(type);
  if (!p) return Status::Error(std::string(side) + " " + p.error().message());
  return p;
}

Status Store(OpKernelContext& ctx, rt::Result<Tensor> r) {
  if (!r.ok()) return FromRt(r.status());
  ctx.results[0] = std::move(*r);
  return Status::Ok();
}

Status RunQuantize(OpKernelContext& ctx) {
  Expected<QuantParams> p = ParamsOf(ctx.result_type(), "quantize result");
  if (!p) return p.error();
  return Store(ctx, Quantize(*ctx.operand(0), *p, DTypeOf(ctx.result_type().scalar())));
}

Status RunDequantize(OpKernelContext& ctx) {
  Expected<QuantParams> p = ParamsOf(ctx.operand_type(0), "dequantize operand");
  if (!p) return p.error();
  return Store(ctx, Dequantize(*ctx.operand(0), *p));
}

}  // namespace

void RegisterQuantizationOps(OpKernelTable& table) {
  table.Register(ir::OpKind::kQuantize, RunQuantize);
  table.Register(ir::OpKind::kDequantize, RunDequantize);
}

}  // namespace kiln::ref
