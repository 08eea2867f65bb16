#include "frontends/onnx/graph_import.h"

#include <string>
#include <unordered_set>

#include "frontends/onnx/node_import.h"
#include "frontends/onnx/onnx_types.h"
#include "frontends/onnx/tensor_import.h"
#include "ir/str_cat.h"

namespace kiln::onnx_import {

using ir::StrCat;

Status ImportGraphBody(const onnx::GraphProto& graph, ImportState& state, GraphRole role,
                       const onnx::GraphProto* initializer_data) {
  for (const onnx::ValueInfoProto& v : graph.input()) state.NoteType(v.name(), v.type());
  for (const onnx::ValueInfoProto& v : graph.value_info()) state.NoteType(v.name(), v.type());
  for (const onnx::ValueInfoProto& v : graph.output()) state.NoteType(v.name(), v.type());

  const onnx::GraphProto& data_graph = initializer_data ? *initializer_data : graph;
  if (data_graph.initializer_size() != graph.initializer_size()) {
    return state.FileError("initializers changed during shape inference");
  }
  std::unordered_set<std::string> initializer_names;
  for (int i = 0; i < graph.initializer_size(); ++i) {
    const onnx::TensorProto& t = data_graph.initializer(i);
    Expected<ImportedTensor> tensor = ImportTensor(t, state.ctx, state.shared.model_dir);
    if (!tensor) return state.FileError(tensor.error().message());
    ir::Value* c = state.graph.AddConstant(tensor->type, tensor->data, t.name());
    if (Status s = state.Define(t.name(), c); !s.ok()) return s;
    initializer_names.insert(t.name());
  }
  if (graph.sparse_initializer_size() > 0) {
    return state.FileError(StrCat(
        "sparse initializer '", graph.sparse_initializer(0).values().name(), "' is not supported"));
  }

  for (const onnx::ValueInfoProto& v : graph.input()) {
    if (initializer_names.count(v.name())) continue;  // IR < 4: initializers listed as inputs
    if (role != GraphRole::kRoot) {
      return state.FileError(StrCat("subgraph '", graph.name(), "' has input '", v.name(),
                                    "'; If branches take none"));
    }
    if (v.type().value_case() == onnx::TypeProto::VALUE_NOT_SET) {
      return state.FileError(StrCat("input '", v.name(), "' has no type"));
    }
    Expected<const ir::TensorType*> type = TensorTypeFromOnnx(v.type(), state.ctx, v.name());
    if (!type) return state.FileError(type.error().message());
    if (Status s = state.Define(v.name(), state.graph.AddInput(v.name(), *type)); !s.ok()) {
      return s;
    }
  }

  for (const onnx::NodeProto& node : graph.node()) {
    if (Status s = ImportNode(node, state); !s.ok()) return s;
  }

  for (const onnx::ValueInfoProto& v : graph.output()) {
    ir::Value* value = state.Lookup(v.name());
    if (!value) return state.FileError(StrCat("output '", v.name(), "' is never defined"));
    if (role != GraphRole::kInline) state.graph.AddOutput(value, v.name());
  }
  return Status::Ok();
}

}  // namespace kiln::onnx_import
