// The oneDNN kernel families of the cloud runtime, one registration function each (one .cc per
// family); RegisterDnnlKernels (register_dnnl_kernels.cc) calls them all. docs/cloud_runtime.md
// lists every key with its primitive and the layouts it reads and writes.
//
//   KernelRegistry registry;
//   RegisterDnnlConvKernels(registry);            // "conv"
//   std::unique_ptr<CloudKernel> k = registry.Find("conv")();
#pragma once

#include "runtime/cloud/kernel_registry.h"

namespace kiln::cloud {

void RegisterDnnlConvKernels(KernelRegistry& registry);      // conv
void RegisterDnnlMatMulKernels(KernelRegistry& registry);    // gemm, matmul, linear
void RegisterDnnlPoolKernels(KernelRegistry& registry);      // max_pool, average_pool, global_*
void RegisterDnnlEltwiseKernels(KernelRegistry& registry);   // unary activations, clip
void RegisterDnnlBinaryKernels(KernelRegistry& registry);    // add, sub, mul, div, max, min, pow
void RegisterDnnlSoftmaxKernels(KernelRegistry& registry);   // softmax, log_softmax
void RegisterDnnlNormKernels(KernelRegistry& registry);      // layer_norm, batch_norm
void RegisterDnnlConcatKernels(KernelRegistry& registry);    // concat
void RegisterDnnlMovementKernels(KernelRegistry& registry);  // transpose, slice
void RegisterDnnlQuantKernels(KernelRegistry& registry);     // quantize, dequantize

}  // namespace kiln::cloud
