// N-D convolution (ONNX Conv) for 1, 2 and 3 spatial dims, f32: grouped (including
// depthwise), strided, dilated, padded or auto-padded. Computed as im2col + GEMM per
// (image, group); a 1x1 stride-1 unpadded conv skips im2col and a depthwise conv runs a direct
// loop. Threads go to the GEMM for a single (image, group), else across (image, group) pairs.
//
//   ConvParams p{.strides = {2, 2}, .pads = {3, 3, 3, 3}};
//   rt::Result<Tensor> y = Conv(x, w, &bias, p, /*threads=*/4);  // x [1,3,224,224], w [64,3,7,7]
//   // y->shape() == {1, 64, 112, 112}
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"
#include "runtime/reference/kernels/window.h"

namespace kiln::ref {

struct ConvParams {
  std::vector<int64_t> kernel_shape = {};  // empty: W's spatial dims (if given, must match them)
  std::vector<int64_t> strides = {};       // empty: all 1
  std::vector<int64_t> dilations = {};     // empty: all 1
  std::vector<int64_t> pads = {};          // [begin..., end...]; empty: all 0
  AutoPad auto_pad = AutoPad::kNotSet;
  int64_t group = 1;
};

// The window of a conv of x by w (shapes as for Conv): W's spatial dims as the kernel (a
// kernel_shape that differs from them is an error), the output sizes and resolved pads.
rt::Result<WindowGeometry> ConvWindow(const Shape& x, const Shape& w, const ConvParams& params);

// x [N, C, D...], w [M, C/group, K...], bias [M] or null; result [N, M, O...].
rt::Result<Tensor> Conv(const Tensor& x, const Tensor& w, const Tensor* bias,
                        const ConvParams& params, int threads = 1);

}  // namespace kiln::ref
