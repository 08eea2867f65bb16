// MaxUnpool (ONNX): the partial inverse of max_pool. Scatters each value of X to the position
// its index names in a zero-filled output; the indices are flat over the whole output tensor,
// as max_pool's second result gives them.
//
//   MaxUnpoolParams p{.kernel_shape = {2, 2}, .strides = {2, 2}};
//   rt::Result<Tensor> y = MaxUnpool(x, indices, /*output_shape=*/nullptr, p);
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

struct MaxUnpoolParams {
  std::vector<int64_t> kernel_shape{};  // one per spatial dim
  std::vector<int64_t> pads{};          // begins then ends; empty: zeros
  std::vector<int64_t> strides{};       // empty: ones
};

// The default output shape: spatial dim i is (in_i - 1) * stride_i + kernel_i - pads.
rt::Result<Shape> MaxUnpoolOutputShape(const Shape& x_shape, const MaxUnpoolParams& p);

// x [N, C, D1, ...] of any byte-sized dtype; indices (any integer dtype, same shape) index the
// flattened default-shaped output. output_shape (optional) is the output's full shape, at
// least the default in every dim: the default-shaped result sits at its origin.
rt::Result<Tensor> MaxUnpool(const Tensor& x, const Tensor& indices, const Shape* output_shape,
                             const MaxUnpoolParams& p);

}  // namespace kiln::ref
