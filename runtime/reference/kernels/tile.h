// Tile (ONNX): repeats a tensor repeats[i] times along each axis i.
//
//   rt::Result<Tensor> y = Tile(x, std::vector<int64_t>{2, 1});   // [2,3] -> [4,3]
#pragma once

#include <cstdint>
#include <span>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

// One non-negative repeat per axis.
rt::Result<Tensor> Tile(const Tensor& x, std::span<const int64_t> repeats);

}  // namespace kiln::ref
