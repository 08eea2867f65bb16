#include "runtime/edge/portable/gather.h"

#include <cassert>
#include <cstring>

namespace kiln::edge::portable {
namespace {

// Blocks of a fixed small size (a gather along the last axis); memcpy keeps it legal at any
// alignment and compiles to a single load and store.
template <size_t kBytes>
void GatherBlocks(const char* src, const int64_t* indices, int64_t n, char* dst) {
  for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * kBytes, src + indices[i] * kBytes, kBytes);
}

}  // namespace

void Gather(const void* data, Dims data_dims, int axis, const int64_t* indices, int64_t num_indices,
            size_t elem_size, void* out) {
  assert(axis >= 0 && static_cast<size_t>(axis) < data_dims.size());
  const int64_t outer = DimProduct(data_dims, 0, axis), axis_dim = data_dims[axis];
  const size_t block = DimProduct(data_dims, axis + 1, data_dims.size()) * elem_size;
  const char* src = static_cast<const char*>(data);
  char* dst = static_cast<char*>(out);
  for (int64_t o = 0; o < outer; ++o, src += axis_dim * block, dst += num_indices * block) {
    switch (block) {
      case 1:
        GatherBlocks<1>(src, indices, num_indices, dst);
        break;
      case 2:
        GatherBlocks<2>(src, indices, num_indices, dst);
        break;
      case 4:
        GatherBlocks<4>(src, indices, num_indices, dst);
        break;
      case 8:
        GatherBlocks<8>(src, indices, num_indices, dst);
        break;
      default:
        for (int64_t i = 0; i < num_indices; ++i) {
          assert(indices[i] >= 0 && indices[i] < axis_dim);
          std::memcpy(dst + i * block, src + indices[i] * block, block);
        }
    }
  }
}

}  // namespace kiln::edge::portable
