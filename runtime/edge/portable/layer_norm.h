// Layer normalization (ONNX LayerNormalization) in f32: x is viewed as [outer, inner] with
// inner = dims[axis] * ... * dims[rank - 1]; each row is normalized by its mean and variance
// (two passes, accumulated in double), then multiplied by `scale` and shifted by `bias`, each
// nullable and `inner` long (the caller expands smaller broadcast shapes). y may equal x.
//
//   const int64_t dims[] = {1, 128, 768};                         // [B, T, D]
//   LayerNorm(x, dims, /*axis=*/2, gamma, beta, 1e-5f, y);        // gamma, beta [768]
#pragma once

#include "runtime/edge/portable/dims.h"

namespace kiln::edge::portable {

// `axis` in [0, rank).
void LayerNorm(const float* x, Dims dims, int axis, const float* scale, const float* bias,
               float epsilon, float* y);

}  // namespace kiln::edge::portable
