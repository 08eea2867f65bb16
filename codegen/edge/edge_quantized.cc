#include "codegen/edge/edge_quantized.h"

#include "codegen/packed_constant.h"
#include "codegen/quantized_checks.h"
#include "ir/fused_activation.h"
#include "ir/str_cat.h"
#include "passes/match.h"

namespace kiln::codegen {
namespace {

using ir::OpKind;
using ir::QuantGranularity;
using ir::ScalarType;

Status No(std::string_view what) { return NotOnTarget(what, "edge"); }

bool PerTensorI8(const ir::TensorType& t) {
  return PerTensorInt8(t) && t.scalar() == ScalarType::kI8;
}

Status CheckQuantize(const ir::Op& op) {
  if (!IsPlainF32(op.operand(0)->type()) || !PerTensorInt8(*op.result(0)->type())) {
    return No("quantize other than f32 to per-tensor u8/i8");
  }
  return Status::Ok();
}

Status CheckDequantize(const ir::Op& op) {
  // Decoded when the model loads, whatever its width and granularity: no op at run time.
  if (IsPackedConstant(op)) return Status::Ok();
  if (!PerTensorInt8(*op.operand(0)->type()) || !IsPlainF32(op.result(0)->type())) {
    return No("dequantize other than per-tensor u8/i8 to f32");
  }
  return Status::Ok();
}

// The weight's output-channel axis: 3 for an NHWC depthwise weight [1, kh, kw, C_out]
// (channels-last), else 0 ([C_out, ...] in both layouts).
int OutputChannelAxis(const ir::Op& op) {
  const ir::Shape& w = op.operand(1)->type()->shape();
  const bool depthwise =
      op.attrs().GetInt("group", 1) > 1 && w.is_ranked() && w.rank() == 4 && w.dim(0).size() == 1;
  return op.attrs().GetString("layout", "NCHW") == "NHWC" && depthwise ? 3 : 0;
}

Status CheckConv(const ir::Op& op) {
  if (!PerTensorI8(*op.operand(0)->type())) {
    return No("conv on a quantized input other than i8 per tensor");
  }
  const ir::Value* w = op.operand(1);
  const ir::TensorType& wt = *w->type();
  const bool per_channel = wt.is_quantized() &&
                           wt.quant()->granularity == QuantGranularity::kPerAxis &&
                           wt.quant()->axis == OutputChannelAxis(op);
  if (!w->is_constant() || !wt.is_quantized() || wt.scalar() != ScalarType::kI8 ||
      !(per_channel || wt.quant()->granularity == QuantGranularity::kPerTensor) ||
      !ZeroPointsZero(*wt.quant())) {
    return No(
        "int8 conv with weights other than constant i8 (per tensor or per output channel, zero "
        "point 0)");
  }
  if (op.num_operands() > 2 && op.operand(2) != nullptr) {
    const ir::Value* b = op.operand(2);
    const ir::TensorType& bt = *b->type();
    if (!b->is_constant() || !bt.is_quantized() || bt.scalar() != ScalarType::kI32 ||
        bt.quant()->granularity == QuantGranularity::kPerBlock || !ZeroPointsZero(*bt.quant())) {
      return No("int8 conv with a bias other than a constant i32 of zero point 0");
    }
  }
  if (!PerTensorI8(*op.result(0)->type())) {
    return No("int8 conv with a result other than i8 per tensor");
  }
  if (ir::ResidualOf(op) != nullptr) return No("int8 conv with a residual");
  Expected<ir::FusedActivation> activation = ir::GetFusedActivation(op);
  if (!activation) return activation.error();
  const ir::ActivationKind kind = activation->kind;
  if (kind != ir::ActivationKind::kNone && kind != ir::ActivationKind::kRelu &&
      kind != ir::ActivationKind::kClip) {
    return No(ir::StrCat("int8 conv with fused ", ir::ActivationName(kind)));
  }
  return Status::Ok();
}

// XNNPACK's qs8 add: each input and the result on its own grid.
Status CheckAdd(const ir::Op& op) {
  for (int i = 0; i < op.num_operands(); ++i) {
    if (!PerTensorI8(*op.operand(i)->type())) {
      return No("add of an operand other than i8 per tensor");
    }
  }
  if (!PerTensorI8(*op.result(0)->type())) {
    return No("int8 add with a result other than i8 per tensor");
  }
  Expected<ir::FusedActivation> activation = ir::GetFusedActivation(op);
  if (!activation) return activation.error();
  if (activation->kind != ir::ActivationKind::kNone) return No("int8 add with a fused activation");
  return Status::Ok();
}

}  // namespace

Status CheckEdgeQuantized(const ir::Op& op) {
  switch (op.kind()) {
    case OpKind::kQuantize:
      return CheckQuantize(op);
    case OpKind::kDequantize:
      return CheckDequantize(op);
    case OpKind::kConv:
      return CheckConv(op);
    case OpKind::kAdd:
      return CheckAdd(op);
    case OpKind::kMaxPool:
      return CheckSameGridPool(op, "edge");
    case OpKind::kReshape:
    case OpKind::kFlatten:
    case OpKind::kSqueeze:
    case OpKind::kUnsqueeze:
    case OpKind::kIdentity:
    case OpKind::kTranspose:
      return CheckByteCopy(op, "edge");
    default:
      return No(ir::StrCat("op '", op.kind_name(), "' on quantized types"));
  }
}

}  // namespace kiln::codegen
