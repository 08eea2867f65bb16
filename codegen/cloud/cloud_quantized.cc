#include "codegen/cloud/cloud_quantized.h"

#include <algorithm>

#include "ir/str_cat.h"

namespace kiln::codegen {
namespace {

using ir::OpKind;
using ir::QuantGranularity;
using ir::ScalarType;
using ir::StrCat;

bool IsInt8(ScalarType s) { return s == ScalarType::kU8 || s == ScalarType::kI8; }

bool ZeroPointsZero(const ir::QuantSpec& q) {
  return std::all_of(q.zero_points.begin(), q.zero_points.end(), [](int32_t z) { return z == 0; });
}

bool OneZeroPoint(const ir::QuantSpec& q) {
  return std::all_of(q.zero_points.begin(), q.zero_points.end(),
                     [&](int32_t z) { return z == q.zero_points.front(); });
}

bool PerTensorInt8(const ir::TensorType& t) {
  return t.is_quantized() && IsInt8(t.scalar()) &&
         t.quant()->granularity == QuantGranularity::kPerTensor;
}

bool IsPlainF32(const ir::TensorType& t) {
  return !t.is_quantized() && t.scalar() == ScalarType::kF32;
}

Status No(std::string_view what) {
  return Status::Error(StrCat(what, " is not supported by target 'cloud'"));
}

Status CheckQuantize(const ir::Op& op) {
  if (!IsPlainF32(*op.operand(0)->type()) || !PerTensorInt8(*op.result(0)->type())) {
    return No("quantize other than f32 to per-tensor u8/i8");
  }
  return Status::Ok();
}

Status CheckDequantize(const ir::Op& op) {
  const ir::TensorType& x = *op.operand(0)->type();
  const bool scalar_ok = IsInt8(x.scalar()) || x.scalar() == ScalarType::kI32;
  if (!x.is_quantized() || !scalar_ok || !IsPlainF32(*op.result(0)->type()) ||
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
    if (!b->is_constant() || !(i32 || IsPlainF32(bt))) {
      return No("int8 conv with a bias other than a constant i32 (zero point 0) or f32");
    }
  }
  const ir::TensorType& y = *op.result(0)->type();
  if (!IsPlainF32(y) && !PerTensorInt8(y)) {
    return No("int8 conv with a result other than f32 or u8/i8 per tensor");
  }
  if (op.num_operands() > 3 && op.operand(3) != nullptr) {
    const ir::TensorType& r = *op.operand(3)->type();
    const bool same = IsPlainF32(y) ? IsPlainF32(r) : PerTensorInt8(r) && r.scalar() == y.scalar();
    if (!same) return No("int8 conv with a residual of another type than its result");
  }
  return Status::Ok();
}

Status CheckMaxPool(const ir::Op& op) {
  const ir::TensorType& x = *op.operand(0)->type();
  const ir::TensorType& y = *op.result(0)->type();
  if (!PerTensorInt8(x) || op.num_results() != 1 || !y.is_quantized() || y.scalar() != x.scalar() ||
      *y.quant() != *x.quant()) {
    return No(StrCat(op.kind_name(), " other than per-tensor u8/i8 to the same grid"));
  }
  return Status::Ok();
}

Status CheckByteCopy(const ir::Op& op) {
  if (op.operand(0)->type()->scalar() != op.result(0)->type()->scalar()) {
    return No(StrCat(op.kind_name(), " that changes the quantized type"));
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
    case OpKind::kMaxPool:
    case OpKind::kGlobalMaxPool:
      return CheckMaxPool(op);
    case OpKind::kReshape:
    case OpKind::kFlatten:
    case OpKind::kSqueeze:
    case OpKind::kUnsqueeze:
    case OpKind::kIdentity:
      return CheckByteCopy(op);
    default:
      return No(StrCat("op '", op.kind_name(), "' on quantized types"));
  }
}

}  // namespace kiln::codegen
