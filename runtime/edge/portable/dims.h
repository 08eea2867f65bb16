// Dims for the edge runtime's portable kernels: a borrowed, row-major list of dims (rank 0 to
// kMaxRank), and FixedDims, the inline-storage value that dims computations return (no heap).
// NumElements and BroadcastDims are shared by the kernels and by the executor that computes
// their output dims.
//
//   const int64_t a[] = {8, 1, 16}, b[] = {4, 1};
//   std::optional<FixedDims> y = BroadcastDims(a, b);  // {8, 4, 16}
//   int64_t n = NumElements(*y);                        // 512
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace kiln::edge::portable {

using Dims = std::span<const int64_t>;

inline constexpr int kMaxRank = 6;

class FixedDims {
 public:
  FixedDims() = default;
  explicit FixedDims(Dims dims) {
    for (int64_t d : dims) push_back(d);
  }

  void push_back(int64_t d) {
    assert(size_ < static_cast<size_t>(kMaxRank));
    dims_[size_++] = d;
  }
  size_t size() const { return size_; }
  const int64_t* data() const { return dims_.data(); }
  const int64_t* begin() const { return dims_.data(); }
  const int64_t* end() const { return dims_.data() + size_; }
  int64_t operator[](size_t i) const { return dims_[i]; }
  int64_t& operator[](size_t i) { return dims_[i]; }
  operator Dims() const { return {dims_.data(), size_}; }  // NOLINT: used where Dims is taken

  friend bool operator==(const FixedDims& a, const FixedDims& b) {
    if (a.size_ != b.size_) return false;
    for (size_t i = 0; i < a.size_; ++i) {
      if (a.dims_[i] != b.dims_[i]) return false;
    }
    return true;
  }

 private:
  std::array<int64_t, kMaxRank> dims_{};
  size_t size_ = 0;
};

// Product of dims[begin, end) (1 when the range is empty, so a scalar has one element).
int64_t DimProduct(Dims dims, size_t begin, size_t end);
inline int64_t NumElements(Dims dims) { return DimProduct(dims, 0, dims.size()); }

// Numpy broadcasting: dims align on the right and a dim of 1 stretches to the other's size.
// Empty when some aligned pair differs with neither equal to 1, or the result would exceed
// kMaxRank.
std::optional<FixedDims> BroadcastDims(Dims a, Dims b);

}  // namespace kiln::edge::portable
