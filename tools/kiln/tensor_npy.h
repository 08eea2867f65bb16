// Converts between `.npy` arrays (what users hand to `kiln run`) and reference-runtime tensors.
// Every .npy dtype has a tensor dtype; the tensor dtypes .npy cannot hold are widened on the way
// out (bf16 -> f32, i4 -> i8, u4 -> u8).
//
//   Expected<ref::Tensor> t = TensorFromNpy(array, "x.npy");
//   rt::NpyArray a = NpyFromTensor(*t);
#pragma once

#include <string_view>

#include "ir/status.h"
#include "runtime/core/npy.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::cli {

Expected<ref::Tensor> TensorFromNpy(const rt::NpyArray& array, std::string_view name_for_errors);
rt::NpyArray NpyFromTensor(const ref::Tensor& tensor);

}  // namespace kiln::cli
