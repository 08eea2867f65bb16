#include "runtime/reference/kernels/gather_nd.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/reference/kernels/int64_values.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {

rt::Result<Tensor> GatherND(const Tensor& data, const Tensor& indices, int64_t batch_dims) {
  rt::Result<int> elem = ElementBytes(data.dtype(), "gather_nd");
  if (!elem.ok()) return elem.status();
  int r = data.rank();
  int q = indices.rank();
  if (q < 1 || r < 1) return rt::Status::Error("gather_nd: data and indices need rank >= 1");
  if (batch_dims < 0 || batch_dims >= std::min(q, r)) {
    return rt::Status::Error("gather_nd: batch_dims " + std::to_string(batch_dims) +
                             " is out of range");
  }
  int b = static_cast<int>(batch_dims);
  int64_t m = indices.dim(q - 1);
  if (m < 1 || m > r - b) {
    return rt::Status::Error("gather_nd: index tuples of length " + std::to_string(m) +
                             " do not fit data " + ShapeString(data.shape()));
  }
  for (int i = 0; i < b; ++i) {
    if (indices.dim(i) != data.dim(i)) {
      return rt::Status::Error("gather_nd: batch dims of indices " + ShapeString(indices.shape()) +
                               " and data " + ShapeString(data.shape()) + " differ");
    }
  }
  rt::Result<std::vector<int64_t>> idx = ReadInt64Values(indices, "gather_nd indices");
  if (!idx.ok()) return idx.status();

  Shape out_shape(indices.shape().begin(), indices.shape().end() - 1);
  out_shape.insert(out_shape.end(), data.shape().begin() + b + m, data.shape().end());
  rt::Result<Tensor> y = Tensor::Empty(data.dtype(), out_shape);
  if (!y.ok()) return y;

  int64_t batches = NumElements(Shape(data.shape().begin(), data.shape().begin() + b));
  int64_t slice = NumElements(Shape(data.shape().begin() + b + m, data.shape().end()));
  int64_t batch_size = NumElements(Shape(data.shape().begin() + b, data.shape().end()));
  int64_t tuples_per_batch = batches == 0 ? 0 : static_cast<int64_t>(idx->size()) / m / batches;
  std::vector<int64_t> strides = DenseStrides(data.shape());
  const auto* src = static_cast<const uint8_t*>(data.raw());
  auto* dst = static_cast<uint8_t*>(y->mutable_raw());
  size_t slice_bytes = static_cast<size_t>(slice * *elem);
  for (int64_t n = 0; n < batches * tuples_per_batch; ++n) {
    int64_t offset = n / std::max<int64_t>(tuples_per_batch, 1) * batch_size;
    for (int64_t j = 0; j < m; ++j) {
      int64_t dim = data.dim(b + static_cast<int>(j));
      int64_t i = (*idx)[n * m + j];
      if (i < -dim || i >= dim) {
        return rt::Status::Error("gather_nd: index " + std::to_string(i) +
                                 " is out of range for dim " + std::to_string(dim));
      }
      offset += (i < 0 ? i + dim : i) * strides[b + j];
    }
    if (slice_bytes > 0) std::memcpy(dst + n * slice_bytes, src + offset * *elem, slice_bytes);
  }
  return y;
}

}  // namespace kiln::ref
