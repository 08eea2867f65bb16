#include "frontends/onnx/node_import.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "frontends/onnx/constant_operands.h"
#include "frontends/onnx/function_inline.h"
#include "frontends/onnx/if_import.h"
#include "frontends/onnx/legacy_ops.h"
#include "frontends/onnx/onnx_types.h"
#include "frontends/onnx/op_table.h"
#include "frontends/onnx/quant_import.h"
#include "frontends/onnx/result_types.h"
#include "frontends/onnx/tensor_import.h"
#include "ir/str_cat.h"

namespace kiln::onnx_import {
namespace {

using ir::OpKind;
using ir::StrCat;
using onnx::AttributeProto;
using onnx::NodeProto;

bool IsReduce(OpKind k) {
  switch (k) {
    case OpKind::kReduceMean:
    case OpKind::kReduceSum:
    case OpKind::kReduceMax:
    case OpKind::kReduceMin:
    case OpKind::kReduceProd:
    case OpKind::kReduceL2:
    case OpKind::kReduceSumSquare:
    case OpKind::kReduceL1:
    case OpKind::kReduceLogSum:
    case OpKind::kReduceLogSumExp:
      return true;
    default:
      return false;
  }
}

// ONNX attributes that a per-op rule consumes, so the generic conversion skips them.
bool IsConsumedAttr(OpKind kind, const std::string& name) {
  switch (kind) {
    case OpKind::kCast:
      return name == "to";
    case OpKind::kConstantOfShape:
      return name == "value";
    case OpKind::kSplit:
      return name == "split";
    case OpKind::kEyeLike:
      return name == "dtype";  // shape inference gives the result type
    default:
      return false;
  }
}

Expected<ir::AttrValue> ConvertAttr(const AttributeProto& a) {
  switch (a.type()) {
    case AttributeProto::INT:
      return ir::AttrValue(static_cast<int64_t>(a.i()));
    case AttributeProto::FLOAT:
      return ir::AttrValue(static_cast<double>(a.f()));
    case AttributeProto::STRING:
      return ir::AttrValue(a.s());
    case AttributeProto::INTS:
      return ir::AttrValue(std::vector<int64_t>(a.ints().begin(), a.ints().end()));
    case AttributeProto::FLOATS:
      return ir::AttrValue(std::vector<double>(a.floats().begin(), a.floats().end()));
    case AttributeProto::STRINGS:
      return ir::AttrValue(std::vector<std::string>(a.strings().begin(), a.strings().end()));
    default:
      return Status::Error(StrCat("attribute '", a.name(), "' has unsupported kind ",
                                  AttributeProto::AttributeType_Name(a.type())));
  }
}

// Moves a constant operand `index` (axes) into the attribute `axes` and drops the operand.
Status AxesOperandToAttr(const NodeProto& node, ImportState& state, PendingOp& op, size_t index) {
  if (op.operands.size() <= index) return Status::Ok();
  ir::Value* axes_value = op.operands[index];
  op.operands.erase(op.operands.begin() + static_cast<std::ptrdiff_t>(index), op.operands.end());
  if (!axes_value) return Status::Ok();
  Expected<std::vector<int64_t>> axes = ConstantInts(axes_value);
  if (!axes) return state.NodeError(node, "axes " + axes.error().message());
  // Empty axes mean the same as absent ones (noop_with_empty_axes decides).
  if (!axes->empty()) op.attrs.Set("axes", std::move(*axes));
  return Status::Ok();
}

Status ApplyOpRules(const NodeProto& node, ImportState& state, PendingOp& op) {
  if (IsReduce(op.kind) || op.kind == OpKind::kSqueeze || op.kind == OpKind::kUnsqueeze) {
    return AxesOperandToAttr(node, state, op, 1);
  }
  switch (op.kind) {
    case OpKind::kQuantize:
    case OpKind::kDequantize:
      return ApplyQuantization(node, state, op);
    case OpKind::kConstantOfShape:
      for (const AttributeProto& a : node.attribute()) {
        if (a.name() != "value") continue;
        onnx::TensorProto t = a.t();
        if (t.name().empty()) t.set_name(node.output(0));
        Expected<ImportedTensor> value = ImportTensor(t, state.ctx, state.shared.model_dir);
        if (!value) return state.NodeError(node, value.error().message());
        ir::ScalarType scalar = value->type->scalar();
        Expected<std::vector<double>> v =
            ir::IsFloat(scalar) ? DataFloats(scalar, *value->data)
                                : Expected<std::vector<double>>(std::vector<double>());
        if (!ir::IsFloat(scalar)) {
          Expected<std::vector<int64_t>> ints = DataInts(scalar, *value->data);
          if (!ints) return state.NodeError(node, "value " + ints.error().message());
          v = std::vector<double>(ints->begin(), ints->end());
        }
        if (!v) return state.NodeError(node, "value " + v.error().message());
        if (v->size() != 1) return state.NodeError(node, "value must have one element");
        if ((*v)[0] != 0.0) op.attrs.Set("value", (*v)[0]);
        const ir::TensorType* out = op.result_types[0];
        op.result_types[0] = state.ctx.GetType(scalar, out->shape(), out->quant());
        return Status::Ok();
      }
      return Status::Ok();
    case OpKind::kSplit:
      for (const AttributeProto& a : node.attribute()) {
        if (a.name() != "split") continue;
        std::vector<int64_t> sizes(a.ints().begin(), a.ints().end());
        op.operands.resize(1);
        op.operands.push_back(AddI64Constant(state.graph, sizes, NodeLabel(node) + ".split"));
      }
      return Status::Ok();
    case OpKind::kSoftmax:
    case OpKind::kLogSoftmax:
      // Before opset 13 the default axis is 1 (NeedsCoercedSoftmax took the non-last axes).
      if (state.opset < 13) op.attrs.Set("axis", op.attrs.GetInt("axis", 1));
      return Status::Ok();
    default:
      return Status::Ok();
  }
}

// A `Constant` node: its one attribute becomes a constant named by the node's output.
Status ImportConstantNode(const NodeProto& node, ImportState& state) {
  if (node.output_size() != 1 || node.attribute_size() != 1) {
    return state.NodeError(node, "needs one output and one attribute");
  }
  const AttributeProto& a = node.attribute(0);
  const std::string& name = node.output(0);
  ir::Context& ctx = state.ctx;
  const ir::TensorType* type = nullptr;
  std::shared_ptr<const ir::TensorData> data;
  auto sizes = [](int n) { return ir::Shape::Static({static_cast<int64_t>(n)}); };
  if (a.name() == "value" && a.type() == AttributeProto::TENSOR) {
    onnx::TensorProto t = a.t();
    t.set_name(name);
    Expected<ImportedTensor> tensor = ImportTensor(t, ctx, state.shared.model_dir);
    if (!tensor) return state.NodeError(node, tensor.error().message());
    type = tensor->type;
    data = tensor->data;
  } else if (a.name() == "value_float" && a.type() == AttributeProto::FLOAT) {
    type = ctx.GetType(ir::ScalarType::kF32, ir::Shape());
    data = ir::TensorData::FromVector(std::vector<float>{a.f()});
  } else if (a.name() == "value_floats" && a.type() == AttributeProto::FLOATS) {
    type = ctx.GetType(ir::ScalarType::kF32, sizes(a.floats_size()));
    data = ir::TensorData::FromVector(std::vector<float>(a.floats().begin(), a.floats().end()));
  } else if (a.name() == "value_int" && a.type() == AttributeProto::INT) {
    type = ctx.GetType(ir::ScalarType::kI64, ir::Shape());
    data = ir::TensorData::FromVector(std::vector<int64_t>{a.i()});
  } else if (a.name() == "value_ints" && a.type() == AttributeProto::INTS) {
    type = ctx.GetType(ir::ScalarType::kI64, sizes(a.ints_size()));
    data = ir::TensorData::FromVector(std::vector<int64_t>(a.ints().begin(), a.ints().end()));
  } else if (a.name() == "sparse_value") {
    return state.NodeError(node, "sparse constants are not supported");
  } else {
    return state.NodeError(node, StrCat("attribute '", a.name(), "' is not supported"));
  }
  return state.Define(name, state.graph.AddConstant(type, std::move(data), name));
}

Status CheckCounts(const NodeProto& node, const ImportState& state, const PendingOp& op) {
  const ir::OpSchema& schema = ir::GetOpSchema(op.kind);
  int n_in = static_cast<int>(op.operands.size());
  if (n_in < schema.min_operands || (schema.max_operands >= 0 && n_in > schema.max_operands)) {
    return state.NodeError(node, StrCat("has ", n_in, " inputs, which ", schema.name,
                                        " does not take (opset ", state.opset, ")"));
  }
  int n_out = static_cast<int>(op.result_types.size());
  if (n_out < schema.min_results || (schema.max_results >= 0 && n_out > schema.max_results)) {
    return state.NodeError(node, StrCat("has ", n_out, " outputs, which ", schema.name,
                                        " does not give (opset ", state.opset, ")"));
  }
  for (const auto& [attr_name, value] : op.attrs.entries()) {
    const ir::AttrSchema* attr = schema.FindAttr(attr_name);
    if (!attr) return state.NodeError(node, StrCat("unsupported attribute '", attr_name, "'"));
    if (attr->kind != ir::KindOf(value)) {
      return state.NodeError(
          node, StrCat("attribute '", attr_name, "' is ", ir::AttrKindName(ir::KindOf(value)),
                       ", expected ", ir::AttrKindName(attr->kind)));
    }
  }
  return Status::Ok();
}

}  // namespace

Status ImportNode(const NodeProto& node, ImportState& state) {
  bool default_domain = node.domain().empty() || node.domain() == "ai.onnx";
  if (default_domain && state.opset <= 0) {
    return state.NodeError(node, "the model imports no opset of the ONNX domain");
  }
  if (default_domain && node.op_type() == "Constant") return ImportConstantNode(node, state);
  std::optional<OpKind> kind =
      default_domain ? OpKindForOnnx(node.op_type()) : std::optional<OpKind>();
  if (!kind) {
    if (HasFunctionBody(node, state)) return InlineFunction(node, state);
    return state.NodeError(node, "unsupported op");
  }

  PendingOp op{*kind, {}, {}, {}};
  for (const std::string& input : node.input()) {
    if (input.empty()) {
      op.operands.push_back(nullptr);
      continue;
    }
    ir::Value* value = state.Lookup(input);
    if (!value) {
      return state.NodeError(node, StrCat("input '", input,
                                          "' is not defined before the node (undefined, or "
                                          "the graph is cyclic or not sorted)"));
    }
    op.operands.push_back(value);
  }
  while (!op.operands.empty() && !op.operands.back()) op.operands.pop_back();
  if (!op.operands.empty() && !op.operands[0]) {
    return state.NodeError(node, "the first input is absent");
  }
  if (*kind == OpKind::kIf) return ImportIf(node, state, op.operands);

  for (const AttributeProto& a : node.attribute()) {
    if (IsConsumedAttr(op.kind, a.name())) continue;
    Expected<ir::AttrValue> value = ConvertAttr(a);
    if (!value) return state.NodeError(node, value.error().message());
    op.attrs.Set(KilnAttrName(a.name()), std::move(*value));
  }

  // Results up to the last named output; an unnamed one before it (LSTM's ["", "Y_h"]) is
  // created but left unused.
  int num_outputs = node.output_size();
  while (num_outputs > 0 && node.output(num_outputs - 1).empty()) --num_outputs;
  for (int i = 0; i < num_outputs; ++i) {
    Expected<const ir::TensorType*> type = NodeResultType(node, i, op.kind, op.operands, state);
    if (!type) return type.error();
    op.result_types.push_back(*type);
  }
  if (op.operands.empty() && ir::GetOpSchema(op.kind).min_operands > 0) {
    return state.NodeError(node, "has no inputs");
  }

  if (Status s = ApplyLegacyForm(node, state, op); !s.ok()) return s;
  if (NeedsCoercedSoftmax(state, op)) return ImportCoercedSoftmax(node, state, op);
  if (Status s = ApplyOpRules(node, state, op); !s.ok()) return s;
  if (Status s = CheckCounts(node, state, op); !s.ok()) return s;

  ir::Op* created =
      state.graph.CreateOp(op.kind, std::move(op.operands), op.result_types, std::move(op.attrs));
  created->set_name(NodeLabel(node));
  for (int i = 0; i < created->num_results(); ++i) {
    if (node.output(i).empty()) continue;
    if (Status s = state.Define(node.output(i), created->result(i)); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace kiln::onnx_import
