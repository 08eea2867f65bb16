#include "runtime/reference/kernels/trilu.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "runtime/reference/kernels/dtype_dispatch.h"
#include "runtime/reference/kernels/fp16.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {

rt::Result<Tensor> Trilu(const Tensor& x, int64_t k, bool upper) {
  if (x.rank() < 2) {
    return rt::Status::Error("trilu: input " + ShapeString(x.shape()) + " has rank < 2");
  }
  rt::Result<int> elem = ElementBytes(x.dtype(), "trilu");
  if (!elem.ok()) return elem.status();
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), x.shape());
  if (!y.ok()) return y;
  int64_t rows = x.dim(x.rank() - 2);
  int64_t cols = x.dim(x.rank() - 1);
  int64_t matrices = rows * cols == 0 ? 0 : x.num_elements() / (rows * cols);
  k = std::clamp<int64_t>(k, -rows - 1, cols + 1);  // beyond these every row is all or nothing
  const auto* src = static_cast<const uint8_t*>(x.raw());
  auto* dst = static_cast<uint8_t*>(y->mutable_raw());
  size_t e = static_cast<size_t>(*elem);
  for (int64_t m = 0; m < matrices; ++m) {
    for (int64_t i = 0; i < rows; ++i) {
      // Row i keeps columns [begin, end): j >= i + k (upper) or j <= i + k (lower).
      int64_t begin = upper ? std::clamp<int64_t>(i + k, 0, cols) : 0;
      int64_t end = upper ? cols : std::clamp<int64_t>(i + k + 1, 0, cols);
      size_t row = static_cast<size_t>((m * rows + i) * cols) * e;
      std::memset(dst + row, 0,
                  static_cast<size_t>(cols) * e);  // all-zero bytes are 0 in every dtype
      if (end > begin) {
        std::memcpy(dst + row + begin * e, src + row + begin * e,
                    static_cast<size_t>(end - begin) * e);
      }
    }
  }
  return y;
}

rt::Result<Tensor> EyeLike(DType dtype, const Shape& shape, int64_t k) {
  if (shape.size() != 2) {
    return rt::Status::Error("eye_like: shape " + ShapeString(shape) + " is not 2-D");
  }
  rt::Result<Tensor> y = Tensor::Zeros(dtype, shape);
  if (!y.ok()) return y;
  int64_t rows = shape[0];
  int64_t cols = shape[1];
  k = std::clamp<int64_t>(k, -rows - 1, cols + 1);  // beyond these there is no diagonal
  auto set_ones = [&](auto one) {
    using T = decltype(one);
    T* p = y->template mutable_data<T>();
    for (int64_t i = std::max<int64_t>(0, -k); i < rows && i + k < cols; ++i)
      p[i * cols + i + k] = one;
  };
  bool plain = VisitPlainDType(
      dtype,
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        set_ones(static_cast<T>(1));
        return true;
      },
      [] { return false; });
  if (plain) return y;
  if (dtype == DType::kF16) {
    set_ones(FloatToHalf(1.0f));
  } else if (dtype == DType::kBF16) {
    set_ones(FloatToBFloat16(1.0f));
  } else {
    return rt::Status::Error("eye_like: unsupported type " + std::string(rt::DTypeName(dtype)));
  }
  return y;
}

}  // namespace kiln::ref
