#include "frontends/onnx/result_types.h"

#include <onnx/defs/schema.h>

#include <optional>
#include <string>

#include "frontends/onnx/onnx_types.h"
#include "ir/str_cat.h"

namespace kiln::onnx_import {
namespace {

using ir::ScalarType;
using ir::StrCat;

std::optional<ScalarType> ScalarFromTypeString(const std::string& s) {
  constexpr std::pair<std::string_view, ScalarType> kTypes[] = {
      {"tensor(float)", ScalarType::kF32},     {"tensor(float16)", ScalarType::kF16},
      {"tensor(bfloat16)", ScalarType::kBF16}, {"tensor(int8)", ScalarType::kI8},
      {"tensor(uint8)", ScalarType::kU8},      {"tensor(int16)", ScalarType::kI16},
      {"tensor(int32)", ScalarType::kI32},     {"tensor(int64)", ScalarType::kI64},
      {"tensor(bool)", ScalarType::kBool},
  };
  for (const auto& [name, scalar] : kTypes) {
    if (name == s) return scalar;
  }
  return std::nullopt;
}

// The scalar type ONNX's schema implies for output `index`, given the operands' types.
std::optional<ScalarType> ScalarFromSchema(const onnx::NodeProto& node, int index,
                                           const std::vector<ir::Value*>& operands,
                                           const ImportState& state) {
  std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
  const onnx::OpSchema* schema =
      onnx::OpSchemaRegistry::Schema(node.op_type(), static_cast<int>(state.opset), domain);
  if (!schema || schema->outputs().empty()) return std::nullopt;
  const auto& outputs = schema->outputs();
  size_t formal = std::min(static_cast<size_t>(index), outputs.size() - 1);
  if (static_cast<size_t>(index) >= outputs.size() &&
      outputs.back().GetOption() != onnx::OpSchema::Variadic) {
    return std::nullopt;
  }
  const std::string& type_str = outputs[formal].GetTypeStr();
  if (std::optional<ScalarType> s = ScalarFromTypeString(type_str)) return s;
  const auto& inputs = schema->inputs();
  for (size_t j = 0; j < inputs.size(); ++j) {
    if (inputs[j].GetTypeStr() != type_str) continue;
    bool variadic = inputs[j].GetOption() == onnx::OpSchema::Variadic;
    for (size_t k = j; k < operands.size() && (k == j || variadic); ++k) {
      if (operands[k]) return operands[k]->type()->scalar();
    }
  }
  for (const auto& constraint : schema->typeConstraintParams()) {
    if (constraint.type_param_str == type_str && constraint.allowed_type_strs.size() == 1) {
      return ScalarFromTypeString(constraint.allowed_type_strs[0]);
    }
  }
  return std::nullopt;
}

}  // namespace

Expected<const ir::TensorType*> NodeResultType(const onnx::NodeProto& node, int index,
                                               ir::OpKind kind,
                                               const std::vector<ir::Value*>& operands,
                                               const ImportState& state) {
  const std::string& name = node.output(index);
  if (const onnx::TypeProto* known = state.TypeOf(name)) {
    Expected<const ir::TensorType*> t = TensorTypeFromOnnx(*known, state.ctx, name);
    if (!t) return state.NodeError(node, t.error().message());
    return t;
  }
  ir::Value* first = operands.empty() ? nullptr : operands[0];
  if (node.op_type() == "Cast") {
    for (const onnx::AttributeProto& a : node.attribute()) {
      if (a.name() != "to") continue;
      std::optional<ScalarType> to = ScalarTypeFromOnnx(static_cast<int32_t>(a.i()));
      if (!to) {
        return state.NodeError(node, StrCat("tensor '", name, "' has unsupported dtype ",
                                            OnnxDataTypeName(static_cast<int32_t>(a.i()))));
      }
      return state.ctx.GetType(*to, first ? first->type()->shape() : ir::Shape::Unranked());
    }
  }
  if (ir::GetOpSchema(kind).has(ir::kShapePreserving) && first) {
    return state.ctx.GetType(first->type()->scalar(), first->type()->shape());
  }
  if (std::optional<ScalarType> s = ScalarFromSchema(node, index, operands, state)) {
    return state.ctx.GetType(*s, ir::Shape::Unranked());
  }
  return state.NodeError(node, StrCat("tensor '", name, "' has no known type"));
}

}  // namespace kiln::onnx_import
