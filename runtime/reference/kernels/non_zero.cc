#include "runtime/reference/kernels/non_zero.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/reference/kernels/dtype_dispatch.h"

namespace kiln::ref {
namespace {

// The flat positions of the nonzero elements; nullopt for unsupported dtypes.
std::optional<std::vector<int64_t>> NonZeroPositions(const Tensor& x) {
  auto scan = [&](auto is_nonzero, auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = x.data<T>();
    std::vector<int64_t> pos;
    for (int64_t i = 0; i < x.num_elements(); ++i) {
      if (is_nonzero(p[i])) pos.push_back(i);
    }
    return std::optional<std::vector<int64_t>>(std::move(pos));
  };
  if (x.dtype() == DType::kF16 || x.dtype() == DType::kBF16) {
    // Zero is +0 or -0: every bit but the sign is clear.
    return scan([](uint16_t bits) { return (bits & 0x7fff) != 0; }, TypeTag<uint16_t>{});
  }
  return VisitPlainDType(
      x.dtype(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        return scan([](T v) { return v != T{0}; }, tag);
      },
      [] { return std::optional<std::vector<int64_t>>(); });
}

}  // namespace

rt::Result<Tensor> NonZero(const Tensor& x) {
  std::optional<std::vector<int64_t>> pos = NonZeroPositions(x);
  if (!pos) {
    return rt::Status::Error("non_zero: unsupported type " + std::string(rt::DTypeName(x.dtype())));
  }
  Shape shape = x.rank() == 0 ? Shape{1} : x.shape();
  int rank = static_cast<int>(shape.size());
  int64_t count = static_cast<int64_t>(pos->size());
  rt::Result<Tensor> y = Tensor::Empty(DType::kI64, {rank, count});
  if (!y.ok()) return y;
  int64_t* out = y->mutable_data<int64_t>();
  for (int64_t n = 0; n < count; ++n) {
    int64_t flat = (*pos)[n];
    for (int d = rank - 1; d >= 0; --d) {
      out[d * count + n] = flat % shape[d];
      flat /= shape[d];
    }
  }
  return y;
}

}  // namespace kiln::ref
