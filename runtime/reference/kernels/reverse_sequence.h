// ReverseSequence (ONNX): for each batch entry b (on `batch_axis`), reverses the first
// sequence_lens[b] steps along `time_axis` and keeps the rest. The two axes are 0 and 1, in
// either order; further dims travel along with each step.
//
//   // x [[0,1],[2,3],[4,5]] as [time 3, batch 2], lens [3,1] -> [[4,1],[2,3],[0,5]]
//   rt::Result<Tensor> y = ReverseSequence(x, lens, /*batch_axis=*/1, /*time_axis=*/0);
#pragma once

#include <cstdint>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> ReverseSequence(const Tensor& x, const Tensor& sequence_lens, int64_t batch_axis,
                                   int64_t time_axis);

}  // namespace kiln::ref
