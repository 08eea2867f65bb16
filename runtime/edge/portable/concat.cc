#include "runtime/edge/portable/concat.h"

#include <cassert>
#include <cstring>

namespace kiln::edge::portable {

void Concat(std::span<const void* const> ins, std::span<const Dims> in_dims, int axis,
            size_t elem_size, void* out) {
  assert(ins.size() == in_dims.size() && !ins.empty());
  assert(axis >= 0 && static_cast<size_t>(axis) < in_dims[0].size());
  const int64_t outer = DimProduct(in_dims[0], 0, axis);
  char* dst = static_cast<char*>(out);
  for (int64_t o = 0; o < outer; ++o) {
    for (size_t i = 0; i < ins.size(); ++i) {
      const Dims dims = in_dims[i];
      const size_t row_bytes = DimProduct(dims, axis, dims.size()) * elem_size;
      if (row_bytes == 0) continue;
      std::memcpy(dst, static_cast<const char*>(ins[i]) + o * row_bytes, row_bytes);
      dst += row_bytes;
    }
  }
}

}  // namespace kiln::edge::portable
