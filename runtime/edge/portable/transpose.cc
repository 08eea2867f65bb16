#include "runtime/edge/portable/transpose.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "runtime/edge/portable/strided_counter.h"

namespace kiln::edge::portable {
namespace {

// The permutation with size-1 axes dropped and runs of input axes that stay adjacent in the
// output merged into one axis; same bytes in and out.
struct Permutation {
  int rank = 0;
  int64_t in_dims[kMaxRank] = {};
  int64_t perm[kMaxRank] = {};
};

Permutation Simplify(Dims in_dims, std::span<const int64_t> perm) {
  const int rank = static_cast<int>(in_dims.size());
  int64_t renumbered[kMaxRank];  // input axis -> axis among those kept, or -1
  int64_t dims[kMaxRank];
  int kept = 0;
  for (int a = 0; a < rank; ++a) {
    renumbered[a] = in_dims[a] == 1 ? -1 : kept;
    if (in_dims[a] != 1) dims[kept++] = in_dims[a];
  }
  // Groups in output order: each is a run of consecutive kept input axes.
  int64_t first_axis[kMaxRank], size[kMaxRank];
  int groups = 0;
  int64_t previous = -2;
  for (int i = 0; i < rank; ++i) {
    const int64_t a = renumbered[perm[i]];
    if (a < 0) continue;
    if (a != previous + 1) {
      first_axis[groups] = a;
      size[groups++] = 1;
    }
    size[groups - 1] *= dims[a];
    previous = a;
  }
  Permutation p;
  p.rank = groups;
  for (int g = 0; g < groups; ++g) {
    int in_axis = 0;  // the group's position in input order
    for (int h = 0; h < groups; ++h) in_axis += first_axis[h] < first_axis[g];
    p.perm[g] = in_axis;
    p.in_dims[in_axis] = size[g];
  }
  return p;
}

// Output dims (all but the last) and the input stride of each, in elements.
struct OutputWalk {
  int64_t outer_dims[kMaxRank];
  int64_t in_strides[kMaxRank];
  int64_t inner_stride;  // input stride along the last output axis
};

OutputWalk Walk(const Permutation& p) {
  int64_t strides[kMaxRank];
  int64_t stride = 1;
  for (int a = p.rank - 1; a >= 0; --a) {
    strides[a] = stride;
    stride *= p.in_dims[a];
  }
  OutputWalk w;
  for (int i = 0; i + 1 < p.rank; ++i) {
    w.outer_dims[i] = p.in_dims[p.perm[i]];
    w.in_strides[i] = strides[p.perm[i]];
  }
  w.inner_stride = strides[p.perm[p.rank - 1]];
  return w;
}

// out[c][r] = in[r][c] for one [rows, cols] matrix, in tiles that stay in L1.
template <typename T>
void TransposeTiles(const T* in, int64_t rows, int64_t cols, T* out) {
  constexpr int64_t kTile = 32;
  for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
    const int64_t r1 = std::min(rows, r0 + kTile);
    for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
      const int64_t c1 = std::min(cols, c0 + kTile);
      for (int64_t c = c0; c < c1; ++c) {
        for (int64_t r = r0; r < r1; ++r) out[c * rows + r] = in[r * cols + c];
      }
    }
  }
}

template <typename T>
void TransposeTyped(const T* in, const Permutation& p, T* out) {
  const int r = p.rank;
  if ((r == 2 && p.perm[0] == 1) || (r == 3 && p.perm[0] == 0 && p.perm[1] == 2)) {
    const int64_t rows = p.in_dims[r - 2], cols = p.in_dims[r - 1];
    const int64_t batch = r == 3 ? p.in_dims[0] : 1;
    for (int64_t b = 0; b < batch; ++b) {
      TransposeTiles(in + b * rows * cols, rows, cols, out + b * rows * cols);
    }
    return;
  }
  const OutputWalk w = Walk(p);
  const Dims outer(w.outer_dims, r - 1);
  const int64_t count = NumElements(outer), inner = p.in_dims[p.perm[r - 1]];
  StridedCounter it(outer, Dims(w.in_strides, r - 1));
  for (int64_t i = 0; i < count; ++i, it.Next()) {
    const T* src = in + it.offset0();
    T* dst = out + i * inner;
    for (int64_t j = 0; j < inner; ++j) dst[j] = src[j * w.inner_stride];
  }
}

}  // namespace

void Transpose(const void* in, Dims in_dims, std::span<const int64_t> perm, size_t elem_size,
               void* out) {
  assert(perm.size() == in_dims.size() && in_dims.size() <= static_cast<size_t>(kMaxRank));
  assert(elem_size == 1 || elem_size == 2 || elem_size == 4 || elem_size == 8);
  const int64_t n = NumElements(in_dims);
  if (n == 0) return;
  const Permutation p = Simplify(in_dims, perm);
  if (p.rank <= 1) {
    std::memcpy(out, in, n * elem_size);
    return;
  }
  if (p.perm[p.rank - 1] == p.rank - 1) {
    // The innermost axis stays innermost: move whole rows.
    const OutputWalk w = Walk(p);
    const Dims outer(w.outer_dims, p.rank - 1);
    const size_t row_bytes = p.in_dims[p.rank - 1] * elem_size;
    const int64_t rows = NumElements(outer);
    StridedCounter it(outer, Dims(w.in_strides, p.rank - 1));
    for (int64_t i = 0; i < rows; ++i, it.Next()) {
      std::memcpy(static_cast<char*>(out) + i * row_bytes,
                  static_cast<const char*>(in) + it.offset0() * elem_size, row_bytes);
    }
    return;
  }
  switch (elem_size) {
    case 1:
      return TransposeTyped(static_cast<const uint8_t*>(in), p, static_cast<uint8_t*>(out));
    case 2:
      return TransposeTyped(static_cast<const uint16_t*>(in), p, static_cast<uint16_t*>(out));
    case 4:
      return TransposeTyped(static_cast<const uint32_t*>(in), p, static_cast<uint32_t*>(out));
    default:
      return TransposeTyped(static_cast<const uint64_t*>(in), p, static_cast<uint64_t*>(out));
  }
}

}  // namespace kiln::edge::portable
