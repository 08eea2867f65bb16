#include "ir/shape.h"

namespace kiln::ir {

std::string Dim::ToString() const {
  if (is_static()) return std::to_string(size_);
  if (is_symbolic()) return symbol_;
  return "?";
}

Shape Shape::Static(const std::vector<int64_t>& sizes) {
  std::vector<Dim> dims;
  dims.reserve(sizes.size());
  for (int64_t s : sizes) dims.emplace_back(s);
  return Shape(std::move(dims));
}

Shape Shape::Unranked() {
  Shape s;
  s.ranked_ = false;
  return s;
}

bool Shape::is_static() const {
  if (!ranked_) return false;
  for (const Dim& d : dims_) {
    if (!d.is_static()) return false;
  }
  return true;
}

std::optional<int64_t> Shape::num_elements() const {
  if (!is_static()) return std::nullopt;
  int64_t n = 1;
  for (const Dim& d : dims_) n *= d.size();
  return n;
}

std::vector<int64_t> Shape::static_sizes() const {
  std::vector<int64_t> sizes;
  sizes.reserve(dims_.size());
  for (const Dim& d : dims_) sizes.push_back(d.size());
  return sizes;
}

std::string Shape::ToString() const {
  if (!ranked_) return "[*]";
  std::string s = "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ",";
    s += dims_[i].ToString();
  }
  return s + "]";
}

}  // namespace kiln::ir
