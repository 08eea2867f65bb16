#include "frontends/onnx/import_state.h"

#include "ir/str_cat.h"

namespace kiln::onnx_import {
namespace {

using ir::StrCat;

// How much a TypeProto says: 0 nothing usable, 1 element type, 2 ranked, then + known dims.
int Informativeness(const onnx::TypeProto& t) {
  if (!t.has_tensor_type() || t.tensor_type().elem_type() == 0) return 0;
  if (!t.tensor_type().has_shape()) return 1;
  int score = 2;
  for (const auto& d : t.tensor_type().shape().dim()) {
    if (d.has_dim_value() || d.has_dim_param()) ++score;
  }
  return score;
}

}  // namespace

std::string OneLine(std::string_view message) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(message.size());
  for (char c : message) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

std::string NodeLabel(const onnx::NodeProto& node) {
  if (!node.name().empty()) return node.name();
  for (const std::string& out : node.output()) {
    if (!out.empty()) return out;
  }
  return node.op_type();
}

ir::Value* ImportState::Lookup(const std::string& name) const {
  for (const ImportState* s = this; s; s = s->parent) {
    auto it = s->values.find(name);
    if (it != s->values.end()) return it->second;
  }
  return nullptr;
}

const onnx::TypeProto* ImportState::TypeOf(const std::string& name) const {
  for (const ImportState* s = this; s; s = s->parent) {
    auto it = s->types.find(name);
    if (it != s->types.end()) return it->second;
  }
  return nullptr;
}

void ImportState::NoteType(const std::string& name, const onnx::TypeProto& type) {
  int score = Informativeness(type);
  if (score == 0) return;
  auto [it, inserted] = types.emplace(name, &type);
  if (!inserted && Informativeness(*it->second) < score) it->second = &type;
}

Status ImportState::NodeError(const onnx::NodeProto& node, std::string_view problem) const {
  std::string op_type = node.domain().empty() || node.domain() == "ai.onnx"
                            ? node.op_type()
                            : node.domain() + "." + node.op_type();
  return Status::Error(StrCat(file(), ": node '", NodeLabel(node), "' (", op_type, "): ", problem));
}

Status ImportState::FileError(std::string_view problem) const {
  return Status::Error(StrCat(file(), ": ", problem));
}

Status ImportState::Define(const std::string& name, ir::Value* value) {
  if (Status s = Alias(name, value); !s.ok()) return s;
  value->set_name(name);
  return Status::Ok();
}

Status ImportState::Alias(const std::string& name, ir::Value* value) {
  if (Lookup(name) != nullptr || !values.emplace(name, value).second) {
    return FileError(StrCat("tensor '", name, "' is defined twice"));
  }
  return Status::Ok();
}

}  // namespace kiln::onnx_import
