// Pooling (ONNX MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool) over 1, 2 or 3
// spatial dims of an [N, C, spatial...] tensor. Window geometry (kernel, strides, dilations,
// pads, auto_pad, ceil_mode) follows ONNX; padded positions never win a max and count toward
// an average only with count_include_pad.
//
//   PoolParams p{.kernel_shape = {3, 3}, .strides = {2, 2}, .pads = {1, 1, 1, 1}};
//   rt::Result<MaxPoolResult> r = MaxPool(x, p, /*with_indices=*/true);
//   // r->values [1,64,56,56] from x [1,64,112,112]; r->indices i64 of the same shape
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"
#include "runtime/reference/kernels/window.h"

namespace kiln::ref {

struct PoolParams {
  std::vector<int64_t> kernel_shape = {};  // required: one per spatial dim
  std::vector<int64_t> strides = {};       // empty: all 1
  std::vector<int64_t> dilations = {};     // empty: all 1
  std::vector<int64_t> pads = {};          // [begin..., end...]; empty: all 0
  AutoPad auto_pad = AutoPad::kNotSet;
  bool ceil_mode = false;
  bool count_include_pad = false;  // average_pool only
  int64_t storage_order = 0;       // max_pool indices: 0 row-major, 1 column-major
};

struct MaxPoolResult {
  Tensor values;
  Tensor indices;  // i64; only when requested. Flattened over the whole input [N, C, ...]
                   // with the spatial dims in storage_order.
};

// f32, i8 or u8.
rt::Result<MaxPoolResult> MaxPool(const Tensor& x, const PoolParams& params, bool with_indices,
                                  int threads = 1);
// f32.
rt::Result<Tensor> AveragePool(const Tensor& x, const PoolParams& params, int threads = 1);
// [N, C, spatial...] -> [N, C, 1, ...]; f32 (global_max_pool also i8 and u8).
rt::Result<Tensor> GlobalAveragePool(const Tensor& x);
rt::Result<Tensor> GlobalMaxPool(const Tensor& x);

}  // namespace kiln::ref
