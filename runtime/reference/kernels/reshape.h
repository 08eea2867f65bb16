// Result shapes of the ops that only reinterpret a tensor's storage: reshape, flatten,
// squeeze and unsqueeze. The data never moves; callers apply the shape with Tensor::WithShape.
//
//   rt::Result<Shape> s = ReshapeShape({2, 3, 4}, std::vector<int64_t>{0, -1}, false);  // [2,12]
//   Tensor y = x.WithShape(*s);
#pragma once

#include <cstdint>
#include <span>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

// ONNX Reshape: -1 (at most one) is inferred; 0 copies the input dim unless `allowzero`, in
// which case it is a real zero (and cannot be combined with -1).
rt::Result<Shape> ReshapeShape(const Shape& in, std::span<const int64_t> spec, bool allowzero);
// ONNX Flatten: [prod(in[:axis]), prod(in[axis:])], axis in [-rank, rank].
rt::Result<Shape> FlattenShape(const Shape& in, int64_t axis);
// ONNX Squeeze: drops the listed axes (each must be 1), or every 1 when `axes` is empty.
rt::Result<Shape> SqueezeShape(const Shape& in, std::span<const int64_t> axes);
// ONNX Unsqueeze: inserts 1s at `axes`, which index the result (rank + axes.size()).
rt::Result<Shape> UnsqueezeShape(const Shape& in, std::span<const int64_t> axes);

}  // namespace kiln::ref
