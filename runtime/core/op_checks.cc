#include "runtime/core/op_checks.h"

#include <string>

namespace kiln::rt {
namespace {

using flatbuffers::uoffset_t;

bool IsListKind(artifact::AttrKind kind) {
  return kind == artifact::AttrKind::Ints || kind == artifact::AttrKind::Floats ||
         kind == artifact::AttrKind::Strings;
}

bool HasListField(const artifact::Attr& attr) {
  switch (attr.kind()) {
    case artifact::AttrKind::Ints:
      return attr.ints() != nullptr;
    case artifact::AttrKind::Floats:
      return attr.floats() != nullptr;
    case artifact::AttrKind::Strings:
      return attr.strings() != nullptr;
    default:
      return true;
  }
}

// Sorted by name, no duplicates (OpAttrs looks names up by binary search), kinds known, and a
// list attribute carries its list.
Status CheckAttrs(const artifact::Op& op, const std::string& where, const ArtifactMessages& say) {
  const auto* attrs = op.attrs();
  if (attrs == nullptr) return Status::Ok();
  for (uoffset_t i = 0; i < attrs->size(); ++i) {
    const artifact::Attr& attr = *attrs->Get(i);
    std::string_view name = attr.name()->string_view();
    const std::string label = where + "attribute '" + PrintableText(name) + "'";
    if (i > 0) {
      std::string_view previous = attrs->Get(i - 1)->name()->string_view();
      if (previous == name) return say.Error(label + " appears twice");
      if (previous > name) {
        return say.Error(label + " comes after '" + PrintableText(previous) +
                         "' (attributes must be sorted by name)");
      }
    }
    if (flatbuffers::IsOutRange(attr.kind(), artifact::AttrKind::MIN, artifact::AttrKind::MAX)) {
      return say.Error(label + " has kind " + std::to_string(static_cast<int>(attr.kind())) +
                       ", not a known kind");
    }
    if (IsListKind(attr.kind()) && !HasListField(attr)) {
      return say.Error(label + " (" + std::string(AttrKindName(attr.kind())) + ") has no value");
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckOps(const artifact::Model& model, const ArtifactMessages& say,
                TensorLifetimes& lifetimes) {
  const auto& tensors = *model.tensors();
  const auto& ops = *model.ops();
  const int64_t n = tensors.size();
  const auto num_ops = static_cast<int>(ops.size());
  std::vector<int>& producer = lifetimes.producer;
  std::vector<int>& last_use = lifetimes.last_use;
  producer.assign(tensors.size(), -1);
  last_use.assign(tensors.size(), -1);
  auto storage = [&](int64_t t) { return tensors.Get(static_cast<uoffset_t>(t))->storage(); };
  auto out_of_range = [&](int64_t t) {
    return "tensor " + std::to_string(t) + " is out of range (" + std::to_string(n) + " tensors)";
  };

  for (int i = 0; i < num_ops; ++i) {
    const artifact::Op& op = *ops.Get(static_cast<uoffset_t>(i));
    const std::string where = say.Op(i) + ": ";
    if (op.kernel() == nullptr || op.kernel()->size() == 0) {
      return say.Error(where + "the kernel key is empty");
    }
    if (const auto* inputs = op.inputs()) {
      for (int32_t t : *inputs) {
        if (t < -1 || t >= n) return say.Error(where + "input " + out_of_range(t));
        if (t == -1) continue;  // an absent optional operand
        if (storage(t) == artifact::Storage::Arena && producer[t] < 0) {
          return say.Error(where + "reads " + say.Tensor(t) + " before any op writes it");
        }
        last_use[t] = i;
      }
    }
    if (const auto* outputs = op.outputs()) {
      for (int32_t t : *outputs) {
        if (t < 0 || t >= n) return say.Error(where + "output " + out_of_range(t));
        if (storage(t) != artifact::Storage::Arena) {
          return say.Error(where + "writes " + say.Tensor(t) + ", which has storage " +
                           std::string(StorageName(storage(t))) +
                           " (ops write only arena tensors)");
        }
        if (producer[t] == i) return say.Error(where + "writes " + say.Tensor(t) + " twice");
        if (producer[t] >= 0) {
          return say.Error(where + "writes " + say.Tensor(t) + ", which " + say.Op(producer[t]) +
                           " already writes");
        }
        producer[t] = i;
      }
    }
    if (Status s = CheckAttrs(op, where, say); !s.ok()) return s;
  }

  for (int64_t t = 0; t < n; ++t) {
    if (storage(t) != artifact::Storage::Arena) continue;
    if (producer[t] < 0) return say.Error(say.Tensor(t) + ": an arena tensor that no op writes");
    if (last_use[t] < producer[t]) last_use[t] = producer[t];  // written, never read
  }
  for (int32_t t : *model.outputs()) last_use[t] = num_ops;  // checked: arena tensors in range
  return Status::Ok();
}

}  // namespace kiln::rt
