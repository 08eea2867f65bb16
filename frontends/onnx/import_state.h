// What the importer knows while it walks one ONNX graph: the Kiln graph being built, the
// tensors defined so far (by ONNX name), the best TypeProto known for each name, and the
// enclosing graph's state when this graph is an `If` branch.
//
//   ImportState state(graph, shared, /*opset=*/13);
//   ir::Value* x = state.Lookup("x");             // this graph, then enclosing ones
//   return state.NodeError(node, "unsupported op");  // "m.onnx: node 'n1' (Foo): unsupported op"
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ir/graph.h"
#include "ir/status.h"

namespace kiln::onnx_import {

// State shared by every graph of one model.
struct ImportShared {
  ir::Context& ctx;
  std::string file;       // for error messages
  std::string model_dir;  // external data is read relative to this; empty: not allowed
  // TypeProtos made by the importer itself (function bodies), kept alive for `types`.
  std::deque<onnx::TypeProto> owned_types;
  int64_t next_unique = 0;  // for names of inlined function values
  // The model's own functions, by "domain:name".
  std::unordered_map<std::string, const onnx::FunctionProto*> local_functions;
  int inline_depth = 0;  // functions being inlined inside each other
};

class ImportState {
 public:
  ImportState(ir::Graph& graph, ImportShared& shared, int64_t opset,
              const ImportState* parent = nullptr)
      : graph(graph), shared(shared), ctx(shared.ctx), opset(opset), parent(parent) {}

  ir::Graph& graph;
  ImportShared& shared;
  ir::Context& ctx;
  int64_t opset;  // of the default domain
  const ImportState* parent;
  // Every ONNX tensor name defined so far in this graph.
  std::unordered_map<std::string, ir::Value*> values;
  // The most informative TypeProto known for each tensor name (after shape inference).
  std::unordered_map<std::string, const onnx::TypeProto*> types;

  const std::string& file() const { return shared.file; }

  // The value named `name` in this graph or an enclosing one; null when undefined.
  ir::Value* Lookup(const std::string& name) const;
  // The TypeProto known for `name` here or in an enclosing graph; null when none.
  const onnx::TypeProto* TypeOf(const std::string& name) const;
  // Records `type` for `name` unless a more informative one is known.
  void NoteType(const std::string& name, const onnx::TypeProto& type);

  // "model.onnx: node 'Conv_3' (Conv): <problem>"; the node's name, else its first output.
  Status NodeError(const onnx::NodeProto& node, std::string_view problem) const;
  // "model.onnx: <problem>".
  Status FileError(std::string_view problem) const;
  // Records `value` under `name` and names the value; an error if the name is already defined.
  Status Define(const std::string& name, ir::Value* value);
  // Records `value` under `name` without renaming it (the output of an inlined branch).
  Status Alias(const std::string& name, ir::Value* value);
};

// `message` with control characters escaped (\n, \xHH), so an error stays one line even when
// the model's names hold newlines.
std::string OneLine(std::string_view message);

// The name an ONNX node goes by: its name, else its first output, else its op type.
std::string NodeLabel(const onnx::NodeProto& node);

}  // namespace kiln::onnx_import
