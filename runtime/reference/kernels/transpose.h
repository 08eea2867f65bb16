// Transpose: result dim i is input dim perm[i]. Works for every byte-sized dtype.
//
//   rt::Result<Tensor> y = Transpose(x, std::vector<int64_t>{0, 2, 3, 1});  // NCHW -> NHWC
//   rt::Result<Tensor> t = Transpose(x, {});   // empty perm: reverse the dims
#pragma once

#include <cstdint>
#include <span>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

// `perm` must be a permutation of [0, rank) (negative entries count from the end); empty means
// reversed.
rt::Result<Tensor> Transpose(const Tensor& x, std::span<const int64_t> perm);

}  // namespace kiln::ref
