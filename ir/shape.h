// Tensor shapes: static dims, named symbolic dims ("N") and unknown dims ("?").
//
// A shape may also be unranked (rank unknown), printed as `[*]`.
//
//   Shape s({Dim::Symbol("N"), Dim(3), Dim(224), Dim(224)});
//   assert(s.rank() == 4 && !s.is_static() && s.ToString() == "[N,3,224,224]");
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::ir {

class Dim {
 public:
  static constexpr int64_t kUnknown = -1;

  Dim() = default;  // unknown
  explicit Dim(int64_t size) : size_(size) {}
  static Dim Symbol(std::string name) {
    Dim d;
    d.symbol_ = std::move(name);
    return d;
  }
  static Dim Unknown() { return Dim(); }

  bool is_static() const { return size_ >= 0; }
  bool is_symbolic() const { return !symbol_.empty(); }
  bool is_unknown() const { return size_ < 0 && symbol_.empty(); }
  int64_t size() const { return size_; }
  const std::string& symbol() const { return symbol_; }

  bool operator==(const Dim&) const = default;
  std::string ToString() const;

 private:
  int64_t size_ = kUnknown;
  std::string symbol_;
};

class Shape {
 public:
  Shape() = default;  // rank 0 (a scalar)
  explicit Shape(std::vector<Dim> dims) : dims_(std::move(dims)) {}
  static Shape Static(const std::vector<int64_t>& sizes);
  static Shape Unranked();

  bool is_ranked() const { return ranked_; }
  int rank() const { return static_cast<int>(dims_.size()); }
  const std::vector<Dim>& dims() const { return dims_; }
  const Dim& dim(int i) const { return dims_[i]; }
  bool is_static() const;
  // Product of static dims; nullopt when any dim is not static or the shape is unranked.
  std::optional<int64_t> num_elements() const;
  std::vector<int64_t> static_sizes() const;  // requires is_static()

  bool operator==(const Shape&) const = default;
  std::string ToString() const;  // "[N,3,?,224]", "[]" for a scalar, "[*]" unranked

 private:
  std::vector<Dim> dims_;
  bool ranked_ = true;
};

}  // namespace kiln::ir
