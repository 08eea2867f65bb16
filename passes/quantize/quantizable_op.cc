#include "passes/quantize/quantizable_op.h"

#include <string>

#include "passes/match.h"

namespace kiln::quant {
namespace {

bool IsFloatConstant(const ir::Value* v) {
  return v != nullptr && v->is_constant() && IsPlainF32(v->type()) && ConstantData(v) != nullptr &&
         v->type()->shape().is_static();
}

bool IsPlainActivation(const ir::Value* v) {
  return v != nullptr && IsPlainF32(v->type()) && !v->is_constant();
}

// A bias of `n` elements along its only dim.
bool IsBias(const ir::Value* v, int64_t n) {
  return IsFloatConstant(v) && v->type()->rank() == 1 && v->type()->shape().dim(0).size() == n;
}

int64_t StaticDim(const ir::Value* v, int axis) { return v->type()->shape().dim(axis).size(); }

}  // namespace

std::string NodeWhere(const ir::Op& op) {
  return op.name().empty() ? "node (" + std::string(op.kind_name()) + ")"
                           : "node '" + op.name() + "'";
}

std::optional<QuantizableOp> AnalyzeQuantizable(const ir::Op& op, QuantizableKinds kinds) {
  if (op.num_results() != 1 || !IsPlainF32(op.result(0)->type())) return std::nullopt;
  QuantizableOp q;
  switch (op.kind()) {
    case ir::OpKind::kConv: {
      const ir::Value* w = op.operand(1);
      if (op.attrs().Has("layout") && op.attrs().GetString("layout") != "NCHW") return std::nullopt;
      if (!IsPlainActivation(op.operand(0)) || !IsFloatConstant(w)) return std::nullopt;
      q = {.activations = {0}, .weight = 1, .weight_axis = 0};
      if (op.num_operands() > 2 && IsBias(op.operand(2), StaticDim(w, 0))) q.bias = 2;
      return q;
    }
    case ir::OpKind::kGemm: {
      const ir::Value* b = op.operand(1);
      if (!IsPlainActivation(op.operand(0)) || !IsFloatConstant(b) || b->type()->rank() != 2) {
        return std::nullopt;
      }
      const bool trans_b = op.attrs().GetInt("trans_b", 0) != 0;
      q = {.activations = {0}, .weight = 1, .weight_axis = trans_b ? 0 : 1};
      const bool unit =
          op.attrs().GetFloat("alpha", 1.0) == 1.0 && op.attrs().GetFloat("beta", 1.0) == 1.0;
      if (op.num_operands() > 2 && unit && IsBias(op.operand(2), StaticDim(b, q.weight_axis))) {
        q.bias = 2;
      }
      return q;
    }
    case ir::OpKind::kLinear: {
      const ir::Value* w = op.operand(1);
      if (!IsPlainActivation(op.operand(0)) || !IsFloatConstant(w) || w->type()->rank() != 2) {
        return std::nullopt;
      }
      q = {.activations = {0}, .weight = 1, .weight_axis = 1};
      if (op.num_operands() > 2 && IsBias(op.operand(2), StaticDim(w, 1))) q.bias = 2;
      return q;
    }
    case ir::OpKind::kMatMul: {
      const ir::Value* w = op.operand(1);
      if (!IsPlainActivation(op.operand(0))) return std::nullopt;
      if (IsFloatConstant(w) && w->type()->rank() == 2) {
        return QuantizableOp{.activations = {0}, .weight = 1, .weight_axis = 1};
      }
      if (!IsPlainActivation(w)) return std::nullopt;
      return QuantizableOp{.activations = {0, 1}};
    }
    case ir::OpKind::kAdd:
      if (!kinds.adds || op.num_operands() != 2 || !IsPlainActivation(op.operand(0)) ||
          !IsPlainActivation(op.operand(1))) {
        return std::nullopt;
      }
      return QuantizableOp{.activations = {0, 1}};
    default:
      return std::nullopt;
  }
}

}  // namespace kiln::quant
