// Layer normalization (ONNX LayerNormalization, opset 17): x is viewed as [outer, inner]
// split at `axis`; each row is normalized by its mean and variance, then multiplied by
// `scale` and shifted by `bias`, both broadcast (numpy, right-aligned) to x.shape[axis:].
// Optionally also returns the per-row mean and 1 / sqrt(var + epsilon), shaped
// x.shape[:axis] followed by ones.
//
//   rt::Result<LayerNormResult> r = LayerNorm(x, scale, &bias, /*axis=*/-1, 1e-5f, false);
//   Tensor y = r->y;  // x [B, T, D], scale [D], bias [D]
#pragma once

#include <cstdint>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

struct LayerNormResult {
  Tensor y;
  Tensor mean;         // only when stats were requested
  Tensor inv_std_dev;  // only when stats were requested
};

// f32 throughout; axis in [-rank, rank).
rt::Result<LayerNormResult> LayerNorm(const Tensor& x, const Tensor& scale, const Tensor* bias,
                                      int64_t axis, float epsilon, bool with_stats,
                                      int threads = 1);

}  // namespace kiln::ref
