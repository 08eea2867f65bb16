// Every kernel of the cloud runtime, found from here: the portable fallbacks first, then the
// oneDNN kernels, which replace a fallback of the same key.
#include "runtime/cloud/fallback_kernel.h"
#include "runtime/cloud/kernel_registry.h"

namespace kiln::cloud {

void RegisterFallbackKernels(KernelRegistry& registry) {
  RegisterFallbackMovementKernels(registry);
  RegisterFallbackElementwiseKernels(registry);
  RegisterFallbackNormalizationKernels(registry);
}

std::unique_ptr<CloudKernel> NewFallbackKernel(std::string_view key) {
  static const KernelRegistry* const fallbacks = [] {
    auto* r = new KernelRegistry;
    RegisterFallbackKernels(*r);
    return r;
  }();
  KernelFactory factory = fallbacks->Find(key);
  return factory != nullptr ? factory() : nullptr;
}

void RegisterCloudKernels(KernelRegistry& registry) {
  RegisterFallbackKernels(registry);
  RegisterDnnlKernels(registry);
}

}  // namespace kiln::cloud
