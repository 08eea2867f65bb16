// Slice (ONNX Slice, after the caller has resolved it): output element o reads input element
// starts[d] + o[d] * steps[d] along every dim d. starts and steps cover every dim, starts are
// in range and steps are nonzero (negative walks backwards); out_dims are the resolved counts.
// Trailing dims that are copied whole merge into one block, so most slices are memcpy rows.
//
//   const int64_t in[] = {4, 6}, starts[] = {3, 1}, steps[] = {-1, 2}, out[] = {4, 3};
//   Slice(x, in, starts, steps, out, sizeof(float), y);  // rows reversed, odd columns
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "runtime/edge/portable/dims.h"

namespace kiln::edge::portable {

void Slice(const void* in, Dims in_dims, std::span<const int64_t> starts,
           std::span<const int64_t> steps, Dims out_dims, size_t elem_size, void* out);

}  // namespace kiln::edge::portable
