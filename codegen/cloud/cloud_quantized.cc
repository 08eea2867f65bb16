#include "codegen/cloud/cloud_quantized.h"

#include "codegen/packed_constant.h"
#include "codegen/quantized_checks.h"
#include "ir/dynamic_quant.h"
#include "ir/str_cat.h"
#include "passes/match.h"

namespace kiln::codegen {
namespace {

using ir::OpKind;
using ir::QuantGranularity;
using ir::ScalarType;
using ir::StrCat;

Status No(std::string_view what) { return NotOnTarget(what, "cloud"); }

Status CheckQuantize(const ir::Op& op) {
  if (!IsPlainF32(op.operand(0)->type()) || !PerTensorInt8(*op.result(0)->type())) {
    return No("quantize other than f32 to per-tensor u8/i8");
  }
  return Status::Ok();
}

Status CheckDequantize(const ir::Op& op) {
  // Decoded when the model loads, whatever its width and granularity: no op at run time.
  if (IsPackedConstant(op)) return Status::Ok();
  const ir::TensorType& x = *op.operand(0)->type();
  const bool scalar_ok = IsInt8(x.scalar()) || x.scalar() == ScalarType::kI32;
  if (!x.is_quantized() || !scalar_ok || !IsPlainF32(op.result(0)->type()) ||
      x.quant()->granularity == QuantGranularity::kPerBlock || !OneZeroPoint(*x.quant())) {
    return No(
        "dequantize other than u8/i8/i32 (per tensor, or per axis with one zero point) "
        "to f32");
  }
  return Status::Ok();
}

Status CheckConv(const ir::Op& op) {
  const ir::TensorType& x = *op.operand(0)->type();
  if (!PerTensorInt8(x) || !ZeroPointsZero(*x.quant())) {
    return No("conv on a quantized input other than u8/i8 per tensor with zero point 0");
  }
  const ir::Value* w = op.operand(1);
  const ir::TensorType& wt = *w->type();
  if (!w->is_constant() || !wt.is_quantized() || wt.scalar() != ScalarType::kI8 ||
      wt.quant()->granularity == QuantGranularity::kPerBlock ||
      (wt.quant()->granularity == QuantGranularity::kPerAxis && wt.quant()->axis != 0) ||
      !ZeroPointsZero(*wt.quant())) {
    return No(
        "int8 conv with weights other than constant i8 (per tensor or per output "
        "channel, zero point 0)");
  }
  if (op.num_operands() > 2 && op.operand(2) != nullptr) {
    const ir::Value* b = op.operand(2);
    const ir::TensorType& bt = *b->type();
    const bool i32 = bt.is_quantized() && bt.scalar() == ScalarType::kI32 &&
                     bt.quant()->granularity != QuantGranularity::kPerBlock &&
                     ZeroPointsZero(*bt.quant());
    if (!b->is_constant() || !(i32 || IsPlainF32(&bt))) {
      return No("int8 conv with a bias other than a constant i32 (zero point 0) or f32");
    }
  }
  const ir::TensorType& y = *op.result(0)->type();
  if (!IsPlainF32(&y) && !PerTensorInt8(y)) {
    return No("int8 conv with a result other than f32 or u8/i8 per tensor");
  }
  if (op.num_operands() > 3 && op.operand(3) != nullptr) {
    const ir::TensorType& r = *op.operand(3)->type();
    const bool same =
        IsPlainF32(&y) ? IsPlainF32(&r) : PerTensorInt8(r) && r.scalar() == y.scalar();
    if (!same) return No("int8 conv with a residual of another type than its result");
  }
  return Status::Ok();
}

// int8-dynamic (ir/dynamic_quant.h): f32 input and result, a constant i8 weight per tensor or
// per output channel with zero point 0, an f32 constant bias row; runtime/cloud's
// dnnl_dynamic_matmul.h says the rest.
Status CheckDynamicMatMul(const ir::Op& op) {
  if (!ir::IsDynamicQuant(op)) {
    return No(StrCat("op '", op.kind_name(), "' on quantized types (only int8-dynamic)"));
  }
  const ir::Value* w = op.operand(1);
  const ir::TensorType& wt = *w->type();
  const bool trans_b = op.attrs().GetInt("trans_b", 0) != 0;
  const int n_axis = op.kind() == OpKind::kGemm && trans_b ? 0 : 1;
  const bool weight_ok =
      w->is_constant() && wt.is_quantized() && wt.scalar() == ScalarType::kI8 && wt.rank() == 2 &&
      ZeroPointsZero(*wt.quant()) &&
      (wt.quant()->granularity == QuantGranularity::kPerTensor ||
       (wt.quant()->granularity == QuantGranularity::kPerAxis && wt.quant()->axis == n_axis));
  if (!IsPlainF32(op.operand(0)->type()) || !IsPlainF32(op.result(0)->type()) || !weight_ok) {
    return No(
        "int8-dynamic other than f32 input and result with a constant i8 weight (per tensor "
        "or per output channel, zero point 0)");
  }
  for (int i = 2; i < op.num_operands(); ++i) {
    if (op.operand(i) != nullptr && !IsPlainF32(op.operand(i)->type())) {
      return No("int8-dynamic with a quantized bias or residual");
    }
  }
  if (op.num_operands() > 2 && op.operand(2) != nullptr) {
    const ir::Value* b = op.operand(2);
    const int64_t n = wt.shape().dim(n_axis).size();
    const bool row = b->is_constant() && b->type()->shape().is_static() &&
                     b->type()->shape().num_elements() == n && b->type()->rank() <= 2 &&
                     (b->type()->rank() < 2 || b->type()->shape().dim(0).size() == 1);
    if (!row) return No("int8-dynamic with a bias other than a constant f32 row of N");
  }
  return Status::Ok();
}

}  // namespace

Status CheckCloudQuantized(const ir::Op& op) {
  switch (op.kind()) {
    case OpKind::kQuantize:
      return CheckQuantize(op);
    case OpKind::kDequantize:
      return CheckDequantize(op);
    case OpKind::kConv:
      return CheckConv(op);
    case OpKind::kGemm:
    case OpKind::kLinear:
    case OpKind::kMatMul:
      return CheckDynamicMatMul(op);
    case OpKind::kMaxPool:
    case OpKind::kGlobalMaxPool:
      return CheckSameGridPool(op, "cloud");
    case OpKind::kReshape:
    case OpKind::kFlatten:
    case OpKind::kSqueeze:
    case OpKind::kUnsqueeze:
    case OpKind::kIdentity:
      return CheckByteCopy(op, "cloud");
    default:
      return No(StrCat("op '", op.kind_name(), "' on quantized types"));
  }
}

}  // namespace kiln::codegen
