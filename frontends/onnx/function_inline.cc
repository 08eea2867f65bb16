#include "frontends/onnx/function_inline.h"

#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <exception>
#include <string>
#include <unordered_map>
#include <vector>

#include "frontends/onnx/inference_guard.h"
#include "frontends/onnx/node_import.h"
#include "frontends/onnx/onnx_types.h"
#include "ir/str_cat.h"

namespace kiln::onnx_import {
namespace {

using ir::StrCat;

// Nested inlining deeper than this is taken for recursion.
constexpr int kMaxInlineDepth = 16;

std::string Domain(const onnx::NodeProto& node) {
  return node.domain() == "ai.onnx" ? "" : node.domain();
}

const onnx::OpSchema* SchemaFor(const onnx::NodeProto& node, const ImportState& state) {
  return onnx::OpSchemaRegistry::Schema(node.op_type(), static_cast<int>(state.opset),
                                        Domain(node));
}

const onnx::FunctionProto* LocalFunction(const onnx::NodeProto& node, const ImportState& state) {
  auto it = state.shared.local_functions.find(node.domain() + ":" + node.op_type());
  return it == state.shared.local_functions.end() ? nullptr : it->second;
}

// The function body for `node`, built into `storage` when it depends on the operand types.
Expected<const onnx::FunctionProto*> FunctionFor(const onnx::NodeProto& node,
                                                 const ImportState& state,
                                                 onnx::FunctionProto& storage) {
  if (const onnx::FunctionProto* local = LocalFunction(node, state)) return local;
  const onnx::OpSchema* schema = SchemaFor(node, state);
  if (schema && schema->HasFunction()) return schema->GetFunction();
  if (!schema || !schema->HasContextDependentFunction()) {
    return state.NodeError(node, "unsupported op");
  }
  std::vector<onnx::TypeProto> input_types;
  for (const std::string& input : node.input()) {
    ir::Value* v = input.empty() ? nullptr : state.Lookup(input);
    input_types.push_back(v ? OnnxTypeFromKiln(*v->type()) : onnx::TypeProto());
  }
  onnx::FunctionBodyBuildContextImpl context(node, input_types);
  if (!schema->BuildContextDependentFunction(context, storage)) {
    return state.NodeError(node, "cannot build its function body for these operand types");
  }
  return &storage;
}

// The node's attribute `name`, else the schema's default; null when neither exists.
const onnx::AttributeProto* AttributeFor(const onnx::NodeProto& node, const ImportState& state,
                                         const std::string& name) {
  for (const onnx::AttributeProto& a : node.attribute()) {
    if (a.name() == name) return &a;
  }
  if (const onnx::OpSchema* schema = SchemaFor(node, state)) {
    auto it = schema->attributes().find(name);
    if (it != schema->attributes().end() && it->second.default_value.type() != 0) {
      return &it->second.default_value;
    }
  }
  return nullptr;
}

// Renames the body's values: formal parameters to the node's names, the rest uniquely.
class Renamer {
 public:
  Renamer(const onnx::NodeProto& node, const onnx::FunctionProto& fn, ImportState& state)
      : state_(state), prefix_(NodeLabel(node) + "/") {
    for (int i = 0; i < fn.input_size(); ++i) {
      names_[fn.input(i)] = i < node.input_size() ? node.input(i) : "";
    }
    for (int i = 0; i < fn.output_size(); ++i) {
      if (i < node.output_size() && !node.output(i).empty()) names_[fn.output(i)] = node.output(i);
    }
  }

  std::string operator()(const std::string& name) {
    if (name.empty()) return name;
    auto it = names_.find(name);
    if (it != names_.end()) return it->second;
    std::string fresh = prefix_ + name;
    while (state_.Lookup(fresh) || taken_.count(fresh)) {
      fresh = StrCat(prefix_, name, "_", state_.shared.next_unique++);
    }
    taken_.emplace(fresh, true);
    names_[name] = fresh;
    return fresh;
  }

 private:
  ImportState& state_;
  std::string prefix_;
  std::unordered_map<std::string, std::string> names_;
  std::unordered_map<std::string, bool> taken_;
};

// Runs ONNX shape inference over the inlined nodes and records what it finds.
void InferBodyTypes(const std::vector<onnx::NodeProto>& nodes, const onnx::FunctionProto& fn,
                    ImportState& state) {
  onnx::GraphProto graph;
  std::unordered_map<std::string, bool> defined;
  for (const onnx::NodeProto& n : nodes) {
    for (const std::string& out : n.output()) defined[out] = true;
  }
  for (const onnx::NodeProto& n : nodes) {
    for (const std::string& in : n.input()) {
      if (in.empty() || defined.count(in)) continue;
      ir::Value* v = state.Lookup(in);
      if (!v) continue;
      defined[in] = true;
      onnx::ValueInfoProto* info = graph.add_input();
      info->set_name(in);
      *info->mutable_type() = OnnxTypeFromKiln(*v->type());
    }
    *graph.add_node() = n;
  }
  std::unordered_map<std::string, int> opsets;
  for (const onnx::OperatorSetIdProto& id : fn.opset_import()) {
    opsets[id.domain() == "ai.onnx" ? "" : id.domain()] = static_cast<int>(id.version());
  }
  if (!opsets.count("")) opsets[""] = static_cast<int>(state.opset);
  // The body's attributes were bound from the node; values ONNX's inference would divide by
  // are left for Kiln's own checks to report.
  if (!CheckShapeInferenceInputs(graph, "").ok()) return;
  try {
    onnx::shape_inference::InferShapes(&graph, opsets);
  } catch (const std::exception&) {
    // Whatever was inferred before the failure is still right; the rest falls back.
  }
  for (const onnx::ValueInfoProto& v : graph.value_info()) {
    state.shared.owned_types.push_back(v.type());
    state.NoteType(v.name(), state.shared.owned_types.back());
  }
}

int64_t FunctionOpset(const onnx::FunctionProto& fn, int64_t fallback) {
  for (const onnx::OperatorSetIdProto& id : fn.opset_import()) {
    if (id.domain().empty() || id.domain() == "ai.onnx") return id.version();
  }
  return fallback;
}

}  // namespace

bool HasFunctionBody(const onnx::NodeProto& node, const ImportState& state) {
  if (LocalFunction(node, state)) return true;
  const onnx::OpSchema* schema = SchemaFor(node, state);
  return schema && (schema->HasFunction() || schema->HasContextDependentFunction());
}

Status InlineFunction(const onnx::NodeProto& node, ImportState& state) {
  if (state.shared.inline_depth >= kMaxInlineDepth) {
    return state.NodeError(node, "functions nest too deeply (recursive?)");
  }
  onnx::FunctionProto storage;
  Expected<const onnx::FunctionProto*> fn_or = FunctionFor(node, state, storage);
  if (!fn_or) return fn_or.error();
  const onnx::FunctionProto& fn = **fn_or;

  Renamer rename(node, fn, state);
  std::string label = NodeLabel(node);
  std::vector<onnx::NodeProto> nodes;
  for (int k = 0; k < fn.node_size(); ++k) {
    onnx::NodeProto inner = fn.node(k);
    for (std::string& in : *inner.mutable_input()) in = rename(in);
    for (std::string& out : *inner.mutable_output()) out = rename(out);
    inner.set_name(
        StrCat(label, "/", inner.name().empty() ? inner.op_type() : inner.name(), "_", k));
    google::protobuf::RepeatedPtrField<onnx::AttributeProto> attrs;
    for (const onnx::AttributeProto& a : inner.attribute()) {
      if (a.ref_attr_name().empty()) {
        *attrs.Add() = a;
        continue;
      }
      if (const onnx::AttributeProto* bound = AttributeFor(node, state, a.ref_attr_name())) {
        onnx::AttributeProto* copy = attrs.Add();
        *copy = *bound;
        copy->set_name(a.name());
      }
    }
    *inner.mutable_attribute() = std::move(attrs);
    nodes.push_back(std::move(inner));
  }

  int64_t outer_opset = state.opset;
  state.opset = FunctionOpset(fn, outer_opset);
  InferBodyTypes(nodes, fn, state);
  ++state.shared.inline_depth;
  Status status = Status::Ok();
  for (const onnx::NodeProto& inner : nodes) {
    status = ImportNode(inner, state);
    if (!status.ok()) break;
  }
  --state.shared.inline_depth;
  state.opset = outer_opset;
  if (!status.ok()) return status;

  for (int i = 0; i < node.output_size() && i < fn.output_size(); ++i) {
    if (node.output(i).empty() || state.Lookup(node.output(i))) continue;
    // A formal output that is a formal input or an inner value under another name.
    ir::Value* v = state.Lookup(rename(fn.output(i)));
    if (!v)
      return state.NodeError(node, StrCat("function output '", fn.output(i), "' is undefined"));
    if (Status s = state.Alias(node.output(i), v); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace kiln::onnx_import
