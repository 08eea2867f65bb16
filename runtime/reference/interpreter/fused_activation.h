// Runs the activation fused into a conv, conv_transpose, gemm, matmul or linear op
// (ir/fused_activation.h) over the op's computed result, with the same kernels as the
// stand-alone unary ops, so a fused op computes exactly what the unfused pair did.
//
//   rt::Result<Tensor> y = Conv(...);
//   Expected<Tensor> activated = ApplyFusedActivation(ctx.op, std::move(y), ctx.threads);
#pragma once

#include "ir/op.h"
#include "ir/status.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

// `computed` unchanged when the op has no fused activation; its error as a Status if it failed.
Expected<Tensor> ApplyFusedActivation(const ir::Op& op, rt::Result<Tensor> computed, int threads);

}  // namespace kiln::ref
