#include "runtime/reference/kernels/range.h"

#include <cmath>
#include <string>

namespace kiln::ref {
namespace {

template <typename T>
rt::Result<Tensor> TypedRange(DType dtype, T start, T limit, T delta) {
  if (delta == T(0)) return rt::Status::Error("range: delta is zero");
  double count = std::ceil((static_cast<double>(limit) - static_cast<double>(start)) /
                           static_cast<double>(delta));
  if (!(count > 0)) count = 0;  // also catches NaN
  if (count > static_cast<double>(kMaxTensorBytes)) {
    return rt::Status::Error("range: too many elements");
  }
  rt::Result<Tensor> y = Tensor::Empty(dtype, {static_cast<int64_t>(count)});
  if (!y.ok()) return y;
  T* out = y->mutable_data<T>();
  for (int64_t i = 0; i < y->dim(0); ++i)
    out[i] = static_cast<T>(start + static_cast<T>(i) * delta);
  return y;
}

template <typename T>
rt::Result<Tensor> RangeOf(const Tensor& start, const Tensor& limit, const Tensor& delta) {
  return TypedRange<T>(start.dtype(), *start.data<T>(), *limit.data<T>(), *delta.data<T>());
}

}  // namespace

rt::Result<Tensor> Range(const Tensor& start, const Tensor& limit, const Tensor& delta) {
  if (start.dtype() != limit.dtype() || start.dtype() != delta.dtype()) {
    return rt::Status::Error("range: start, limit and delta must have the same dtype");
  }
  if (start.num_elements() != 1 || limit.num_elements() != 1 || delta.num_elements() != 1) {
    return rt::Status::Error("range: start, limit and delta must be scalars");
  }
  switch (start.dtype()) {
    case DType::kF32:
      return RangeOf<float>(start, limit, delta);
    case DType::kI16:
      return RangeOf<int16_t>(start, limit, delta);
    case DType::kI32:
      return RangeOf<int32_t>(start, limit, delta);
    case DType::kI64:
      return RangeOf<int64_t>(start, limit, delta);
    default:
      return rt::Status::Error("range does not support " +
                               std::string(rt::DTypeName(start.dtype())));
  }
}

}  // namespace kiln::ref
