#include "runtime/reference/kernels/strided_copy.h"

#include <cstring>
#include <string>

namespace kiln::ref {
namespace {

// One inner row: `n` elements of `Bytes` bytes each.
template <int Bytes>
void CopyRow(int64_t n, const uint8_t* src, int64_t src_stride, uint8_t* dst, int64_t dst_stride) {
  if (src_stride == 1 && dst_stride == 1) {
    std::memcpy(dst, src, static_cast<size_t>(n) * Bytes);
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(dst + i * dst_stride * Bytes, src + i * src_stride * Bytes, Bytes);
  }
}

void CopyRowAnySize(int elem_bytes, int64_t n, const uint8_t* src, int64_t src_stride, uint8_t* dst,
                    int64_t dst_stride) {
  switch (elem_bytes) {
    case 1:
      return CopyRow<1>(n, src, src_stride, dst, dst_stride);
    case 2:
      return CopyRow<2>(n, src, src_stride, dst, dst_stride);
    case 4:
      return CopyRow<4>(n, src, src_stride, dst, dst_stride);
    case 8:
      return CopyRow<8>(n, src, src_stride, dst, dst_stride);
    default:
      for (int64_t i = 0; i < n; ++i) {
        std::memcpy(dst + i * dst_stride * elem_bytes, src + i * src_stride * elem_bytes,
                    static_cast<size_t>(elem_bytes));
      }
  }
}

}  // namespace

std::vector<int64_t> DenseStrides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) {
    strides[i] = strides[i + 1] * shape[i + 1];
  }
  return strides;
}

void CopyStrided(int elem_bytes, const Shape& shape, const void* src,
                 std::span<const int64_t> src_strides, void* dst,
                 std::span<const int64_t> dst_strides) {
  if (NumElements(shape) <= 0) return;
  const auto* s = static_cast<const uint8_t*>(src);
  auto* d = static_cast<uint8_t*>(dst);
  int rank = static_cast<int>(shape.size());
  if (rank == 0) {
    std::memcpy(d, s, static_cast<size_t>(elem_bytes));
    return;
  }
  // Odometer over all dims but the last; the last is one row.
  int64_t row = shape[rank - 1];
  int64_t src_step = src_strides[rank - 1];
  int64_t dst_step = dst_strides[rank - 1];
  std::vector<int64_t> index(rank - 1, 0);
  int64_t src_off = 0;
  int64_t dst_off = 0;
  while (true) {
    CopyRowAnySize(elem_bytes, row, s + src_off * elem_bytes, src_step, d + dst_off * elem_bytes,
                   dst_step);
    int axis = rank - 2;
    for (; axis >= 0; --axis) {
      if (++index[axis] < shape[axis]) {
        src_off += src_strides[axis];
        dst_off += dst_strides[axis];
        break;
      }
      src_off -= src_strides[axis] * (shape[axis] - 1);
      dst_off -= dst_strides[axis] * (shape[axis] - 1);
      index[axis] = 0;
    }
    if (axis < 0) return;
  }
}

rt::Result<int> ElementBytes(DType dtype, std::string_view what) {
  int bits = rt::DTypeBits(dtype);
  if (bits % 8 != 0) {
    return rt::Status::Error(std::string(what) + " does not support sub-byte type " +
                             std::string(rt::DTypeName(dtype)));
  }
  return bits / 8;
}

}  // namespace kiln::ref
