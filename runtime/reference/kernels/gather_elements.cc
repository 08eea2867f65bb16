#include "runtime/reference/kernels/gather_elements.h"

#include <cstring>
#include <string>

#include "runtime/reference/kernels/int64_values.h"
#include "runtime/reference/kernels/resolve_axis.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {

rt::Result<Tensor> GatherElements(const Tensor& data, const Tensor& indices, int64_t axis) {
  rt::Result<int> elem = ElementBytes(data.dtype(), "gather_elements");
  if (!elem.ok()) return elem.status();
  rt::Result<int> a = ResolveAxis(axis, data.rank(), "gather_elements");
  if (!a.ok()) return a.status();
  bool fits = indices.rank() == data.rank();
  for (int i = 0; fits && i < data.rank(); ++i) fits = i == *a || indices.dim(i) <= data.dim(i);
  if (!fits) {
    return rt::Status::Error("gather_elements: indices " + ShapeString(indices.shape()) +
                             " do not fit data " + ShapeString(data.shape()));
  }
  rt::Result<std::vector<int64_t>> idx = ReadInt64Values(indices, "gather_elements indices");
  if (!idx.ok()) return idx.status();
  rt::Result<Tensor> y = Tensor::Empty(data.dtype(), indices.shape());
  if (!y.ok()) return y;
  if (idx->empty()) return y;

  int rank = data.rank();
  int64_t dim = data.dim(*a);
  std::vector<int64_t> strides = DenseStrides(data.shape());
  std::vector<int64_t> pos(rank, 0);
  const auto* src = static_cast<const uint8_t*>(data.raw());
  auto* dst = static_cast<uint8_t*>(y->mutable_raw());
  int64_t base = 0;  // offset in data of pos with the axis coordinate at 0
  for (int64_t k = 0; k < static_cast<int64_t>(idx->size()); ++k) {
    int64_t i = (*idx)[k];
    if (i < -dim || i >= dim) {
      return rt::Status::Error("gather_elements: index " + std::to_string(i) +
                               " is out of range for dim " + std::to_string(dim));
    }
    if (i < 0) i += dim;
    std::memcpy(dst + k * *elem, src + (base + i * strides[*a]) * *elem,
                static_cast<size_t>(*elem));
    for (int d = rank - 1; d >= 0; --d) {
      if (++pos[d] < indices.dim(d)) {
        if (d != *a) base += strides[d];
        break;
      }
      if (d != *a) base -= strides[d] * (pos[d] - 1);
      pos[d] = 0;
    }
  }
  return y;
}

}  // namespace kiln::ref
