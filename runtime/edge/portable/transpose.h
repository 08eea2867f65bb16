// Transpose (ONNX Transpose) of a dense row-major tensor of 1-, 2-, 4- or 8-byte elements:
// output dim i is input dim perm[i]. Size-1 dims are dropped and input axes that stay adjacent
// are merged first, so NCHW<->NHWC becomes a batched 2-D transpose, which runs in cache tiles;
// a permutation that keeps the innermost axis copies whole rows.
//
//   const int64_t dims[] = {1, 3, 224, 224}, perm[] = {0, 2, 3, 1};  // NCHW -> NHWC
//   Transpose(x, dims, perm, sizeof(float), y);                      // y is [1, 224, 224, 3]
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "runtime/edge/portable/dims.h"

namespace kiln::edge::portable {

// `perm` is a permutation of [0, rank); `in` and `out` do not overlap.
void Transpose(const void* in, Dims in_dims, std::span<const int64_t> perm, size_t elem_size,
               void* out);

}  // namespace kiln::edge::portable
