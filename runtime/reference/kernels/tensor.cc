#include "runtime/reference/kernels/tensor.h"

#include <cstdlib>
#include <cstring>
#include <limits>

namespace kiln::ref {

int64_t NumElements(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) return -1;
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) return -1;
    n *= d;
  }
  return n;
}

std::string ShapeString(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

rt::Result<Tensor> Tensor::Empty(DType dtype, Shape shape) {
  int64_t n = NumElements(shape);
  if (n < 0 || n > kMaxTensorBytes) {
    return rt::Status::Error("tensor of shape " + ShapeString(shape) + " is too large");
  }
  int64_t bytes = rt::DTypeStorageBytes(dtype, n);
  if (bytes > kMaxTensorBytes) {
    return rt::Status::Error("tensor of shape " + ShapeString(shape) + " is too large");
  }
  // Round up so aligned_alloc's size is a multiple of the alignment; never zero.
  size_t alloc = static_cast<size_t>((bytes + 63) / 64 * 64);
  if (alloc == 0) alloc = 64;
  void* p = std::aligned_alloc(64, alloc);
  if (p == nullptr) {
    return rt::Status::Error("out of memory allocating " + std::to_string(bytes) + " bytes");
  }
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.storage_ =
      std::shared_ptr<const void>(p, [](const void* q) { std::free(const_cast<void*>(q)); });
  t.data_ = p;
  return t;
}

rt::Result<Tensor> Tensor::Zeros(DType dtype, Shape shape) {
  rt::Result<Tensor> t = Empty(dtype, std::move(shape));
  if (t.ok() && t->num_bytes() > 0) std::memset(t->mutable_raw(), 0, t->num_bytes());
  return t;
}

Tensor Tensor::Borrow(DType dtype, Shape shape, const void* data,
                      std::shared_ptr<const void> keep_alive) {
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.storage_ = std::move(keep_alive);
  t.data_ = data;
  return t;
}

Tensor Tensor::WithDType(DType dtype) const {
  Tensor t = *this;
  if (rt::DTypeBits(dtype) == rt::DTypeBits(dtype_)) t.dtype_ = dtype;
  return t;
}

Tensor Tensor::WithShape(Shape shape) const {
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

}  // namespace kiln::ref
