// N-D transposed convolution (ONNX ConvTranspose) for 1, 2 and 3 spatial dims, f32: the
// gradient of Conv with respect to its input. Computed per (image, group) as a GEMM
// (W^T * X) followed by col2im, which scatters every column back into the output.
//
// Output sizes: output_shape if given (pads are then derived: SAME_UPPER puts the odd pad at
// the end, anything else at the beginning), else stride * (in - 1) + output_padding +
// (kernel - 1) * dilation + 1 - pads, or in * stride for SAME_UPPER/SAME_LOWER.
//
//   ConvTransposeParams p{.strides = {2, 2}, .pads = {1, 1, 1, 1}, .output_padding = {1, 1}};
//   rt::Result<Tensor> y = ConvTranspose(x, w, nullptr, p);  // x [1,8,7,7], w [8,4,3,3]
//   // y->shape() == {1, 4, 14, 14}
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"
#include "runtime/reference/kernels/window.h"

namespace kiln::ref {

struct ConvTransposeParams {
  std::vector<int64_t> kernel_shape = {};    // empty: W's spatial dims (else must match)
  std::vector<int64_t> strides = {};         // empty: all 1
  std::vector<int64_t> dilations = {};       // empty: all 1
  std::vector<int64_t> pads = {};            // [begin..., end...]; empty: all 0
  std::vector<int64_t> output_padding = {};  // empty: all 0
  std::vector<int64_t> output_shape = {};    // spatial dims (or [N, M, spatial...]); empty: none
  AutoPad auto_pad = AutoPad::kNotSet;
  int64_t group = 1;
};

// x [N, C, D...], w [C, M/group, K...], bias [M] or null; result [N, M, O...].
rt::Result<Tensor> ConvTranspose(const Tensor& x, const Tensor& w, const Tensor* bias,
                                 const ConvTransposeParams& params, int threads = 1);

}  // namespace kiln::ref
