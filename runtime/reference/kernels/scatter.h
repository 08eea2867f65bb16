// ScatterElements and ScatterND (ONNX): a copy of `data` with elements (or slices) replaced
// by, or combined with, `updates` at the positions `indices` name. Negative indices count from
// the end; with reduction none, a position written twice keeps the last update.
//
//   // data [1,2,3,4,5], indices [[1,3]], updates [[10,20]], axis 1 (data as [1,5]):
//   rt::Result<Tensor> y = ScatterElements(data, indices, updates, 1, ScatterReduction::kAdd);
//   // y = [[1,12,3,24,5]]
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

enum class ScatterReduction { kNone, kAdd, kMul, kMax, kMin };

// ONNX's `reduction` attribute: "none", "add", "mul", "max", "min".
rt::Result<ScatterReduction> ParseScatterReduction(std::string_view name);

// out[i0..ik..] with ik = indices[j0..] on `axis` takes updates[j0..]; indices and updates
// have data's rank and the same shape, no larger than data's on the other axes.
rt::Result<Tensor> ScatterElements(const Tensor& data, const Tensor& indices, const Tensor& updates,
                                   int64_t axis, ScatterReduction reduction);

// Each tuple in the last dim of `indices` (length m <= rank of data) names the slice
// data[i0..im-1, :], which takes the matching slice of `updates` (shape indices.shape[:-1] +
// data.shape[m:]).
rt::Result<Tensor> ScatterND(const Tensor& data, const Tensor& indices, const Tensor& updates,
                             ScatterReduction reduction);

}  // namespace kiln::ref
