// Instance normalization (ONNX InstanceNormalization): every (image, channel) plane is
// normalized by its own mean and variance, then scaled and shifted per channel.
//
//   rt::Result<Tensor> y = InstanceNorm(x, scale, bias, 1e-5f);  // x [N,C,H,W], scale [C]
#pragma once

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

// x [N, C, ...] f32 (rank >= 3); scale and bias [C] f32.
rt::Result<Tensor> InstanceNorm(const Tensor& x, const Tensor& scale, const Tensor& bias,
                                float epsilon, int threads = 1);

}  // namespace kiln::ref
