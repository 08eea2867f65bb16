// The constant pool of a graph: named, typed, immutable tensors (weights, shapes, scales).
//
// Constant values in the graph (`%w = const @w0 : f32[4]`) refer to pool entries by name.
// The pool belongs to the root graph; regions (if-branches) share it. Entries keep
// insertion order, so printing is deterministic.
//
//   Constant* c = pool.Add("conv1.weight", type, TensorData::FromVector<float>(w));
//   c->name  // "conv1.weight", or "conv1.weight_1" if that name was taken
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ir/tensor_data.h"
#include "ir/tensor_type.h"

namespace kiln::ir {

struct Constant {
  std::string name;
  const TensorType* type;
  std::shared_ptr<const TensorData> data;  // null only for an elided constant
};

class ConstantPool {
 public:
  // Adds an entry under `name_hint` (made unique; "c" when empty) and returns it.
  Constant* Add(std::string_view name_hint, const TensorType* type,
                std::shared_ptr<const TensorData> data);
  Constant* Find(std::string_view name) const;
  // Removes every entry for which `remove(entry)` is true; returns how many. Callers make
  // sure no value still refers to a removed entry.
  template <typename Pred>
  int RemoveIf(Pred remove);

  const std::vector<std::unique_ptr<Constant>>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

 private:
  std::string UniqueName(std::string_view hint) const;

  std::vector<std::unique_ptr<Constant>> entries_;
  std::unordered_map<std::string, Constant*> by_name_;
};

template <typename Pred>
int ConstantPool::RemoveIf(Pred remove) {
  int removed = 0;
  std::vector<std::unique_ptr<Constant>> kept;
  for (auto& c : entries_) {
    if (remove(*c)) {
      by_name_.erase(c->name);
      ++removed;
    } else {
      kept.push_back(std::move(c));
    }
  }
  entries_ = std::move(kept);
  return removed;
}

}  // namespace kiln::ir
