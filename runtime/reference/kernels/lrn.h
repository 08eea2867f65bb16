// Local response normalization (ONNX LRN): every element is divided by a power of the sum of
// squares over `size` neighbouring channels, y = x / (bias + alpha / size * sum)^beta.
//
//   LrnParams p{.size = 5};                 // alpha 1e-4, beta 0.75, bias 1
//   rt::Result<Tensor> y = Lrn(x, p);       // x [N, C, ...] f32 or f64
#pragma once

#include <cstdint>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

struct LrnParams {
  float alpha = 1e-4f;
  float beta = 0.75f;
  float bias = 1.0f;
  int64_t size = 1;  // channels c - floor((size-1)/2) .. c + ceil((size-1)/2)
};

// x has rank >= 2 (channels are dim 1) and a floating dtype.
rt::Result<Tensor> Lrn(const Tensor& x, const LrnParams& p, int threads = 1);

}  // namespace kiln::ref
