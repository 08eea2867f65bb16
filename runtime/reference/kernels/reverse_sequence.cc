#include "runtime/reference/kernels/reverse_sequence.h"

#include <cstring>
#include <string>
#include <vector>

#include "runtime/reference/kernels/int64_values.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {

rt::Result<Tensor> ReverseSequence(const Tensor& x, const Tensor& sequence_lens, int64_t batch_axis,
                                   int64_t time_axis) {
  bool axes_ok = (batch_axis == 0 && time_axis == 1) || (batch_axis == 1 && time_axis == 0);
  if (x.rank() < 2 || !axes_ok) {
    return rt::Status::Error("reverse_sequence: needs rank >= 2 and batch/time axes {0,1}, got " +
                             ShapeString(x.shape()) + " with batch_axis " +
                             std::to_string(batch_axis) + ", time_axis " +
                             std::to_string(time_axis));
  }
  rt::Result<int> elem = ElementBytes(x.dtype(), "reverse_sequence");
  if (!elem.ok()) return elem.status();
  rt::Result<std::vector<int64_t>> lens = ReadInt64Values(sequence_lens, "sequence_lens");
  if (!lens.ok()) return lens.status();
  int64_t batch = x.dim(static_cast<int>(batch_axis));
  int64_t time = x.dim(static_cast<int>(time_axis));
  if (static_cast<int64_t>(lens->size()) != batch) {
    return rt::Status::Error("reverse_sequence: " + std::to_string(lens->size()) +
                             " sequence lengths for a batch of " + std::to_string(batch));
  }
  for (int64_t len : *lens) {
    if (len < 0 || len > time) {
      return rt::Status::Error("reverse_sequence: sequence length " + std::to_string(len) +
                               " is out of range for " + std::to_string(time) + " steps");
    }
  }
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), x.shape());
  if (!y.ok()) return y;
  std::vector<int64_t> strides = DenseStrides(x.shape());
  int64_t batch_stride = strides[batch_axis];
  int64_t time_stride = strides[time_axis];
  size_t step = static_cast<size_t>(strides[1] * *elem);  // the dims after the first two
  const auto* src = static_cast<const uint8_t*>(x.raw());
  auto* dst = static_cast<uint8_t*>(y->mutable_raw());
  for (int64_t b = 0; b < batch && step > 0; ++b) {
    for (int64_t t = 0; t < time; ++t) {
      int64_t from = t < (*lens)[b] ? (*lens)[b] - 1 - t : t;
      std::memcpy(dst + (b * batch_stride + t * time_stride) * *elem,
                  src + (b * batch_stride + from * time_stride) * *elem, step);
    }
  }
  return y;
}

}  // namespace kiln::ref
