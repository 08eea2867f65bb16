// int8-dynamic gemm, matmul and linear (ir/dynamic_quant.h): the f32 input is quantized to u8
// per tensor on every run, on its own range (ref::ChooseDynamicU8, bit for bit the grid the
// reference runtime uses), and multiplied by the s8 weight constant (per output channel or per
// tensor, zero point 0; packed once) in oneDNN's int8 (brgemm) matmul: the weight scales are its
// output scales, the input's zero point is passed at run time and its scale multiplies the
// result as a binary post-op with a run-time scalar operand. Bias (linear's b, gemm's
// C as a constant row), linear's residual and the fused activation follow as post-ops, in f32.
// Without int8 dot products (VNNI, AMX), oneDNN's u8 x s8 kernels sum product pairs in
// saturating 16 bits (vpmaddubsw), and a dynamic grid uses all of [0, 255]: there the kernel
// multiplies the grid's values in f32 instead (the input's codes times its scale, the weights'
// codes times theirs): the same numbers as the reference runtime, at f32 speed.
//
//   gemm    A [M, K] (no trans_a), B [K, N] or [N, K] (trans_b), alpha = beta = 1
//   matmul  x [..., K] * w [K, N]
//   linear  x [..., K] * w [K, N] + b [N] + residual
//
//   std::unique_ptr<CloudKernel> k = MakeDynamicInt8MatMul("linear");
#pragma once

#include <memory>
#include <string_view>

#include "runtime/cloud/cloud_kernel.h"

namespace kiln::cloud {

// `op` is "gemm", "matmul" or "linear".
std::unique_ptr<CloudKernel> MakeDynamicInt8MatMul(std::string_view op);

}  // namespace kiln::cloud
