#include "runtime/edge/portable/slice.h"

#include <cassert>
#include <cstring>

#include "runtime/edge/portable/strided_counter.h"

namespace kiln::edge::portable {
namespace {

// A block of a fixed small size; memcpy keeps it legal at any alignment and compiles to a
// single load and store.
template <size_t kBytes>
void CopyStrided(const char* src, int64_t stride_bytes, int64_t count, char* dst) {
  for (int64_t i = 0; i < count; ++i) std::memcpy(dst + i * kBytes, src + i * stride_bytes, kBytes);
}

// `count` blocks of `block` bytes, `stride_bytes` apart in the source, packed into dst.
void CopyBlocks(const char* src, int64_t stride_bytes, int64_t count, size_t block, char* dst) {
  if (stride_bytes == static_cast<int64_t>(block)) {
    std::memcpy(dst, src, count * block);
    return;
  }
  switch (block) {
    case 1:
      return CopyStrided<1>(src, stride_bytes, count, dst);
    case 2:
      return CopyStrided<2>(src, stride_bytes, count, dst);
    case 4:
      return CopyStrided<4>(src, stride_bytes, count, dst);
    case 8:
      return CopyStrided<8>(src, stride_bytes, count, dst);
    default:
      for (int64_t i = 0; i < count; ++i)
        std::memcpy(dst + i * block, src + i * stride_bytes, block);
  }
}

}  // namespace

void Slice(const void* in, Dims in_dims, std::span<const int64_t> starts,
           std::span<const int64_t> steps, Dims out_dims, size_t elem_size, void* out) {
  const int rank = static_cast<int>(in_dims.size());
  assert(rank <= kMaxRank && starts.size() == in_dims.size() && steps.size() == in_dims.size() &&
         out_dims.size() == in_dims.size());
  if (NumElements(out_dims) == 0) return;
  // Trailing dims copied whole become one block of `block` bytes.
  size_t block = elem_size;
  int last = rank - 1;
  while (last >= 0 && starts[last] == 0 && steps[last] == 1 && out_dims[last] == in_dims[last]) {
    block *= in_dims[last--];
  }
  const char* src = static_cast<const char*>(in);
  char* dst = static_cast<char*>(out);
  if (last < 0) {
    std::memcpy(dst, src, block);
    return;
  }
  // Byte strides of the input along dims [0, last]; dims after `last` are inside the block.
  int64_t step_bytes[kMaxRank];
  int64_t stride = static_cast<int64_t>(block);
  for (int d = last; d >= 0; --d) {
    src += starts[d] * stride;
    step_bytes[d] = steps[d] * stride;
    stride *= in_dims[d];
  }
  const Dims outer = out_dims.first(last);
  const int64_t rows = NumElements(outer), count = out_dims[last];
  const size_t row_bytes = count * block;
  StridedCounter it(outer, Dims(step_bytes, last));
  for (int64_t i = 0; i < rows; ++i, it.Next()) {
    CopyBlocks(src + it.offset0(), step_bytes[last], count, block, dst + i * row_bytes);
  }
}

}  // namespace kiln::edge::portable
