// Concat (ONNX Concat) of dense row-major tensors along `axis` (in [0, rank)): every input has
// the output's rank and dims except along the axis. Each output row is the inputs' rows in
// order, so the kernel is one memcpy per input per outer index. Empty inputs are allowed.
//
//   const void* ins[] = {a, b};                    // a [2, 3, 4], b [2, 5, 4]
//   const Dims dims[] = {a_dims, b_dims};
//   Concat(ins, dims, /*axis=*/1, sizeof(float), y);  // y [2, 8, 4]
#pragma once

#include <cstddef>
#include <span>

#include "runtime/edge/portable/dims.h"

namespace kiln::edge::portable {

void Concat(std::span<const void* const> ins, std::span<const Dims> in_dims, int axis,
            size_t elem_size, void* out);

}  // namespace kiln::edge::portable
