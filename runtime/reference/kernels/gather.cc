#include "runtime/reference/kernels/gather.h"

#include <cstring>
#include <string>

#include "runtime/reference/kernels/int64_values.h"
#include "runtime/reference/kernels/resolve_axis.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {

rt::Result<Tensor> Gather(const Tensor& data, const Tensor& indices, int64_t axis) {
  rt::Result<int> elem = ElementBytes(data.dtype(), "gather");
  if (!elem.ok()) return elem.status();
  rt::Result<int> a = ResolveAxis(axis, data.rank(), "gather");
  if (!a.ok()) return a.status();
  rt::Result<std::vector<int64_t>> idx = ReadInt64Values(indices, "gather indices");
  if (!idx.ok()) return idx.status();

  int64_t dim = data.dim(*a);
  Shape out_shape(data.shape().begin(), data.shape().begin() + *a);
  out_shape.insert(out_shape.end(), indices.shape().begin(), indices.shape().end());
  out_shape.insert(out_shape.end(), data.shape().begin() + *a + 1, data.shape().end());
  int64_t outer = 1;
  for (int i = 0; i < *a; ++i) outer *= data.dim(i);
  int64_t inner = 1;
  for (int i = *a + 1; i < data.rank(); ++i) inner *= data.dim(i);

  for (int64_t& i : *idx) {
    if (i < -dim || i >= dim) {
      return rt::Status::Error("gather: index " + std::to_string(i) + " is out of range for dim " +
                               std::to_string(dim));
    }
    if (i < 0) i += dim;
  }
  rt::Result<Tensor> y = Tensor::Empty(data.dtype(), out_shape);
  if (!y.ok()) return y;
  size_t block = static_cast<size_t>(inner * *elem);
  const auto* src = static_cast<const uint8_t*>(data.raw());
  auto* dst = static_cast<uint8_t*>(y->mutable_raw());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i : *idx) {
      std::memcpy(dst, src + (o * dim + i) * block, block);
      dst += block;
    }
  }
  return y;
}

}  // namespace kiln::ref
