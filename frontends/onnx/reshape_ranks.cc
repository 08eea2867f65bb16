#include "frontends/onnx/reshape_ranks.h"

#include <optional>
#include <string>
#include <unordered_map>

#include "ir/type_parser.h"  // kMaxRank

namespace kiln::onnx_import {
namespace {

// The TypeProto of every named value the graph describes, writable.
std::unordered_map<std::string, onnx::TypeProto*> TypesByName(onnx::GraphProto& graph) {
  std::unordered_map<std::string, onnx::TypeProto*> types;
  for (auto* list : {graph.mutable_input(), graph.mutable_value_info(), graph.mutable_output()}) {
    for (onnx::ValueInfoProto& v : *list) {
      if (v.type().has_tensor_type()) {
        types[v.name()] = v.mutable_type();
      } else if (v.type().value_case() == onnx::TypeProto::VALUE_NOT_SET) {
        // An entry without a type (a graph output often has none) can take a tensor type.
        types.emplace(v.name(), v.mutable_type());
      }
    }
  }
  return types;
}

// Element type and, for a 1-D tensor of static length, that length.
struct Known {
  int32_t elem_type = 0;
  std::optional<int64_t> length;
};

Known KnownAbout(const std::string& name,
                 const std::unordered_map<std::string, onnx::TypeProto*>& types,
                 const std::unordered_map<std::string, const onnx::TensorProto*>& initializers) {
  Known k;
  if (auto it = initializers.find(name); it != initializers.end()) {
    k.elem_type = it->second->data_type();
    if (it->second->dims_size() == 1) k.length = it->second->dims(0);
    return k;
  }
  auto it = types.find(name);
  if (it == types.end()) return k;
  const onnx::TypeProto_Tensor& t = it->second->tensor_type();
  k.elem_type = t.elem_type();
  if (t.has_shape() && t.shape().dim_size() == 1 && t.shape().dim(0).has_dim_value()) {
    k.length = t.shape().dim(0).dim_value();
  }
  return k;
}

}  // namespace

bool AddReshapeRanks(onnx::GraphProto& graph) {
  std::unordered_map<std::string, const onnx::TensorProto*> initializers;
  for (const onnx::TensorProto& t : graph.initializer()) initializers[t.name()] = &t;
  std::unordered_map<std::string, onnx::TypeProto*> types = TypesByName(graph);
  bool added = false;
  for (const onnx::NodeProto& node : graph.node()) {
    bool default_domain = node.domain().empty() || node.domain() == "ai.onnx";
    if (!default_domain || node.op_type() != "Reshape" || node.input_size() < 2 ||
        node.output_size() < 1 || node.output(0).empty()) {
      continue;
    }
    const std::string& out = node.output(0);
    auto existing = types.find(out);
    if (existing != types.end() && existing->second->tensor_type().has_shape()) continue;
    Known data = KnownAbout(node.input(0), types, initializers);
    Known target = KnownAbout(node.input(1), types, initializers);
    if (data.elem_type == 0 || !target.length || *target.length < 0 ||
        *target.length > ir::kMaxRank) {
      continue;  // a longer target is malformed; the importer reports it later
    }

    onnx::TypeProto* type = nullptr;
    if (existing != types.end()) {
      type = existing->second;
    } else {
      onnx::ValueInfoProto* v = graph.add_value_info();
      v->set_name(out);
      type = v->mutable_type();
      types[out] = type;
    }
    onnx::TypeProto_Tensor* t = type->mutable_tensor_type();
    if (t->elem_type() == 0) t->set_elem_type(data.elem_type);
    onnx::TensorShapeProto* shape = t->mutable_shape();
    for (int64_t i = 0; i < *target.length; ++i) shape->add_dim();
    added = true;
  }
  return added;
}

}  // namespace kiln::onnx_import
