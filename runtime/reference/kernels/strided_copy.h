// The one loop behind most movement kernels: copies an N-d block of elements between two
// strided layouts. Transpose, slice, expand, tile, concat and depth_to_space differ only in the
// strides (in elements, possibly zero or negative) they pass; the loop knows nothing but the
// element size, so it serves every byte-sized dtype.
//
//   // y = transpose(x) for a [2,3] tensor of f32:
//   CopyStrided(4, {3, 2}, x.raw(), std::vector<int64_t>{1, 3}, y.mutable_raw(),
//               DenseStrides({3, 2}));
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

// Row-major strides (in elements) of a dense tensor of `shape`.
std::vector<int64_t> DenseStrides(const Shape& shape);

// For every index i of `shape`: dst[sum i*dst_strides] = src[sum i*src_strides], element size
// `elem_bytes` (any positive size). `src` and `dst` point at index 0 of the block.
void CopyStrided(int elem_bytes, const Shape& shape, const void* src,
                 std::span<const int64_t> src_strides, void* dst,
                 std::span<const int64_t> dst_strides);

// The byte size of one element, or an error naming `what` for sub-byte types (i4/u4), which
// the movement kernels do not address element by element.
rt::Result<int> ElementBytes(DType dtype, std::string_view what);

}  // namespace kiln::ref
