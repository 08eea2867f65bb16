// Batch normalization in inference form (ONNX BatchNormalization, training_mode = 0):
// y = (x - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c] over channel dim 1.
//
//   rt::Result<Tensor> y = BatchNorm(x, scale, bias, mean, var, 1e-5f);  // x [N,C,H,W]
#pragma once

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

// x [N, C, ...] f32; scale, bias, mean and var are [C] f32.
rt::Result<Tensor> BatchNorm(const Tensor& x, const Tensor& scale, const Tensor& bias,
                             const Tensor& mean, const Tensor& var, float epsilon, int threads = 1);

}  // namespace kiln::ref
