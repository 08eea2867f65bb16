#include "ir/constant_pool.h"

namespace kiln::ir {

std::string ConstantPool::UniqueName(std::string_view hint) const {
  std::string base = hint.empty() ? "c" : std::string(hint);
  if (!by_name_.count(base)) return base;
  for (int i = 1;; ++i) {
    std::string candidate = base + "_" + std::to_string(i);
    if (!by_name_.count(candidate)) return candidate;
  }
}

Constant* ConstantPool::Add(std::string_view name_hint, const TensorType* type,
                            std::shared_ptr<const TensorData> data) {
  auto c = std::make_unique<Constant>(Constant{UniqueName(name_hint), type, std::move(data)});
  Constant* raw = c.get();
  by_name_[raw->name] = raw;
  entries_.push_back(std::move(c));
  return raw;
}

Constant* ConstantPool::Find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : it->second;
}

}  // namespace kiln::ir
