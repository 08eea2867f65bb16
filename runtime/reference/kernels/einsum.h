// Einstein summation over any number of operands (ONNX Einsum, numpy.einsum semantics): an
// equation such as "bij,bjk->bik" names each operand's dims by letters; letters missing from
// the output are summed over, a letter repeated within one operand takes its diagonal, and
// "..." stands for leading dims that broadcast across operands. Without "->" the output is
// the "..." dims followed by the letters that occur exactly once, in alphabetical order.
// Every plain numeric dtype (all operands share it). The reference loop nest accumulates
// floats in double; a two-operand f32 contraction whose labels are all batch, row, column or
// contracted labels (a batched matmul up to transposes) goes through GemmRowMajor instead.
//
//   std::vector<Tensor> ops = {a, b};                   // [5,2,3], [5,3,4]
//   rt::Result<Tensor> y = Einsum("bij,bjk->bik", ops); // [5,2,4]
//   rt::Result<Tensor> trace = Einsum("ii", std::span(&m, 1));  // scalar
#pragma once

#include <span>
#include <string_view>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

rt::Result<Tensor> Einsum(std::string_view equation, std::span<const Tensor> operands,
                          int threads = 1);

// The loop nest alone, without the matmul fast path; the trivial version Einsum is tested
// against.
rt::Result<Tensor> EinsumByLoops(std::string_view equation, std::span<const Tensor> operands);

}  // namespace kiln::ref
