// Gather (ONNX Gather) along `axis` with indices already normalized to [0, data_dims[axis]):
// the output is data with the axis replaced by the indices' dims (the caller computes those),
// i.e. for every outer index o and index position i, out[o][i][:] = data[o][indices[i]][:].
//
//   const int64_t dims[] = {1000, 64}, ids[] = {7, 7, 3};         // an embedding table
//   Gather(table, dims, /*axis=*/0, ids, 3, sizeof(float), rows);  // rows [3, 64]
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/edge/portable/dims.h"

namespace kiln::edge::portable {

void Gather(const void* data, Dims data_dims, int axis, const int64_t* indices, int64_t num_indices,
            size_t elem_size, void* out);

}  // namespace kiln::edge::portable
