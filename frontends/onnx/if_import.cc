#include "frontends/onnx/if_import.h"

#include <string>

#include "frontends/onnx/constant_operands.h"
#include "frontends/onnx/graph_import.h"
#include "frontends/onnx/onnx_types.h"
#include "ir/str_cat.h"

namespace kiln::onnx_import {
namespace {

using ir::StrCat;

const onnx::GraphProto* FindBranch(const onnx::NodeProto& node, std::string_view name) {
  for (const onnx::AttributeProto& a : node.attribute()) {
    if (a.name() == name && a.type() == onnx::AttributeProto::GRAPH) return &a.g();
  }
  return nullptr;
}

// Result i's type: from shape inference, else from the branches' declared outputs.
Expected<const ir::TensorType*> IfResultType(const onnx::NodeProto& node, int i,
                                             const onnx::GraphProto& then_branch,
                                             const onnx::GraphProto& else_branch,
                                             const ImportState& state) {
  const std::string& name = node.output(i);
  for (const onnx::TypeProto* t :
       {state.TypeOf(name), &then_branch.output(i).type(), &else_branch.output(i).type()}) {
    if (!t || !t->has_tensor_type() || t->tensor_type().elem_type() == 0) continue;
    Expected<const ir::TensorType*> type = TensorTypeFromOnnx(*t, state.ctx, name);
    if (!type) return state.NodeError(node, type.error().message());
    return type;
  }
  return state.NodeError(node, StrCat("tensor '", name, "' has no known type"));
}

Status InlineBranch(const onnx::NodeProto& node, const onnx::GraphProto& branch,
                    ImportState& state) {
  if (Status s = ImportGraphBody(branch, state, GraphRole::kInline); !s.ok()) return s;
  for (int i = 0; i < node.output_size(); ++i) {
    if (node.output(i).empty()) continue;
    ir::Value* v = state.Lookup(branch.output(i).name());
    if (Status s = state.Alias(node.output(i), v); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status ImportIf(const onnx::NodeProto& node, ImportState& state,
                const std::vector<ir::Value*>& operands) {
  const onnx::GraphProto* then_branch = FindBranch(node, "then_branch");
  const onnx::GraphProto* else_branch = FindBranch(node, "else_branch");
  if (!then_branch || !else_branch) {
    return state.NodeError(node, "needs then_branch and else_branch graphs");
  }
  if (operands.size() != 1) return state.NodeError(node, "needs exactly one input");
  int n = node.output_size();
  if (then_branch->output_size() != n || else_branch->output_size() != n) {
    return state.NodeError(
        node, StrCat("has ", n, " outputs, but its branches give ", then_branch->output_size(),
                     " and ", else_branch->output_size()));
  }
  ir::Value* cond = operands[0];
  if (cond->is_constant()) {
    Expected<std::vector<int64_t>> value = ConstantInts(cond);
    if (value && value->size() == 1) {
      return InlineBranch(node, (*value)[0] != 0 ? *then_branch : *else_branch, state);
    }
  }

  std::vector<const ir::TensorType*> types;
  for (int i = 0; i < n; ++i) {
    if (node.output(i).empty()) return state.NodeError(node, "has an unnamed output");
    Expected<const ir::TensorType*> t = IfResultType(node, i, *then_branch, *else_branch, state);
    if (!t) return t.error();
    types.push_back(*t);
  }
  ir::Op* op = state.graph.CreateOp(ir::OpKind::kIf, {cond}, types, {});
  std::string label = NodeLabel(node);
  op->set_name(label);
  const onnx::GraphProto* branches[] = {then_branch, else_branch};
  const char* suffixes[] = {"then", "else"};
  for (int b = 0; b < 2; ++b) {
    std::string region_name =
        branches[b]->name().empty() ? StrCat(label, ".", suffixes[b]) : branches[b]->name();
    ir::Graph& region = op->AddRegion(region_name);
    ImportState branch_state(region, state.shared, state.opset, &state);
    if (Status s = ImportGraphBody(*branches[b], branch_state, GraphRole::kRegion); !s.ok()) {
      return s;
    }
  }
  for (int i = 0; i < n; ++i) {
    if (Status s = state.Define(node.output(i), op->result(i)); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace kiln::onnx_import
