#include "frontends/onnx/quant_import.h"

#include <optional>
#include <vector>

#include "frontends/onnx/constant_operands.h"
#include "ir/constant_pool.h"
#include "ir/str_cat.h"

namespace kiln::onnx_import {
namespace {

using ir::OpKind;
using ir::ScalarType;
using ir::StrCat;

}  // namespace

Status ApplyQuantization(const onnx::NodeProto& node, ImportState& state, PendingOp& op) {
  if (op.operands.size() < 2 || !op.operands[1]) return state.NodeError(node, "needs a scale");
  ir::Value* x = op.operands[0];
  ir::Value* scale_value = op.operands[1];
  ir::Value* zp_value = op.operands.size() > 2 ? op.operands[2] : nullptr;

  Expected<std::vector<double>> scales = ConstantFloats(scale_value);
  if (!scales) return state.NodeError(node, "scale " + scales.error().message());
  std::vector<int32_t> zero_points;
  if (zp_value) {
    Expected<std::vector<int64_t>> zps = ConstantInts(zp_value);
    if (!zps) return state.NodeError(node, "zero point " + zps.error().message());
    for (int64_t z : *zps) zero_points.push_back(static_cast<int32_t>(z));
    if (zero_points.size() != scales->size()) {
      return state.NodeError(
          node, StrCat("has ", scales->size(), " scales but ", zero_points.size(), " zero points"));
    }
  }
  if (scales->empty()) return state.NodeError(node, "scale is empty");
  std::vector<float> float_scales(scales->begin(), scales->end());

  int64_t axis = op.attrs.GetInt("axis", 1);
  op.attrs.Remove("axis");
  ir::QuantSpec spec;
  if (scale_value->type()->rank() == 0 || float_scales.size() == 1) {
    spec = ir::QuantSpec::PerTensor(float_scales[0], zero_points.empty() ? 0 : zero_points[0]);
  } else {
    const ir::Shape& x_shape = x->type()->shape();
    if (axis < 0) {
      if (!x_shape.is_ranked()) {
        return state.NodeError(node, "negative axis on an operand of unknown rank");
      }
      axis += x_shape.rank();
    }
    if (axis < 0 || (x_shape.is_ranked() && axis >= x_shape.rank())) {
      return state.NodeError(node, StrCat("axis ", axis, " is out of range"));
    }
    spec = ir::QuantSpec::PerAxis(static_cast<int>(axis), float_scales, zero_points);
  }
  spec.Canonicalize();

  if (op.kind == OpKind::kQuantize) {
    ScalarType q = zp_value ? zp_value->type()->scalar() : ScalarType::kU8;
    const ir::TensorType* out = op.result_types[0];
    const ir::Shape& shape = out->shape().is_ranked() ? out->shape() : x->type()->shape();
    op.result_types[0] = state.ctx.GetType(q, shape, spec);
  } else {
    const ir::TensorType* t = x->type();
    if (t->is_quantized()) {
      if (!(*t->quant() == spec)) {
        return state.NodeError(node, StrCat("operand is ", t->ToString(),
                                            ", which disagrees with the scale and zero point"));
      }
    } else {
      const ir::TensorType* quantized = state.ctx.GetType(t->scalar(), t->shape(), spec);
      x->set_type(quantized);
      if (x->constant()) x->constant()->type = quantized;
    }
  }
  op.operands.resize(1);
  return Status::Ok();
}

}  // namespace kiln::onnx_import
