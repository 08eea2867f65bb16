// A dense, row-major (C order) tensor of the reference runtime: an element type, a shape and
// 64-byte-aligned storage shared between copies. Copies are cheap and alias; a kernel writes
// only into tensors it allocated itself (Tensor::Empty / Tensor::Zeros), never into its inputs.
// Reshape-like kernels may return a tensor that shares its input's storage (WithShape).
//
//   Tensor y = Tensor::Zeros(DType::kF32, {2, 3});
//   float* p = y.mutable_data<float>();
//   Tensor v = Tensor::Borrow(DType::kF32, {6}, bytes, keep_alive);  // no copy
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/core/dtype.h"
#include "runtime/core/result.h"

namespace kiln::ref {

using rt::DType;
using Shape = std::vector<int64_t>;

// Product of the dims (1 for a scalar); -1 if a dim is negative or the product overflows.
int64_t NumElements(const Shape& shape);
// "[2,3,4]".
std::string ShapeString(const Shape& shape);

class Tensor {
 public:
  Tensor() = default;  // an f32 scalar with no storage; only for default-constructed slots

  // Uninitialized storage. Fails (instead of allocating) when the size is negative, overflows
  // or exceeds kMaxTensorBytes, so a hostile shape cannot trigger a huge allocation.
  static rt::Result<Tensor> Empty(DType dtype, Shape shape);
  static rt::Result<Tensor> Zeros(DType dtype, Shape shape);
  // Copies `values` (its size must equal NumElements(shape)); for tests and small constants.
  template <typename T>
  static Tensor FromVector(DType dtype, Shape shape, const std::vector<T>& values);
  // Views `data` without copying; `keep_alive` owns the bytes (may be null if they outlive
  // every copy of the tensor).
  static Tensor Borrow(DType dtype, Shape shape, const void* data,
                       std::shared_ptr<const void> keep_alive);

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int i) const { return shape_[i]; }
  int64_t num_elements() const { return NumElements(shape_); }
  int64_t num_bytes() const { return rt::DTypeStorageBytes(dtype_, num_elements()); }

  const void* raw() const { return data_; }
  void* mutable_raw() { return const_cast<void*>(data_); }
  template <typename T>
  const T* data() const {
    return static_cast<const T*>(data_);
  }
  template <typename T>
  T* mutable_data() {
    return static_cast<T*>(mutable_raw());
  }
  std::span<const uint8_t> bytes() const {
    return {static_cast<const uint8_t*>(data_), static_cast<size_t>(num_bytes())};
  }

  // The same storage under another shape with the same number of elements.
  Tensor WithShape(Shape shape) const;
  // The same storage read as another dtype of the same bit width (u16 bits as bf16).
  Tensor WithDType(DType dtype) const;

 private:
  DType dtype_ = DType::kF32;
  Shape shape_;
  std::shared_ptr<const void> storage_;
  const void* data_ = nullptr;
};

// Allocations above this fail with an error instead of being attempted (16 GiB).
inline constexpr int64_t kMaxTensorBytes = int64_t{16} << 30;

template <typename T>
Tensor Tensor::FromVector(DType dtype, Shape shape, const std::vector<T>& values) {
  rt::Result<Tensor> t = Empty(dtype, std::move(shape));
  Tensor out = std::move(t.value());
  std::copy(values.begin(), values.end(), out.mutable_data<T>());
  return out;
}

}  // namespace kiln::ref
