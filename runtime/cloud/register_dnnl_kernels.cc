// RegisterDnnlKernels: every oneDNN kernel family, in one place.
#include "runtime/cloud/dnnl_kernels.h"
#include "runtime/cloud/kernel_registry.h"

namespace kiln::cloud {

void RegisterDnnlKernels(KernelRegistry& registry) {
  RegisterDnnlConvKernels(registry);
  RegisterDnnlMatMulKernels(registry);
  RegisterDnnlPoolKernels(registry);
  RegisterDnnlEltwiseKernels(registry);
  RegisterDnnlBinaryKernels(registry);
  RegisterDnnlSoftmaxKernels(registry);
  RegisterDnnlNormKernels(registry);
  RegisterDnnlConcatKernels(registry);
  RegisterDnnlMovementKernels(registry);
  RegisterDnnlQuantKernels(registry);
}

}  // namespace kiln::cloud
