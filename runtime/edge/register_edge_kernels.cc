#include "runtime/edge/kernel_registry.h"

namespace kiln::edge {

void RegisterEdgeKernels(KernelRegistry& registry) {
  RegisterPortableKernels(registry);
  RegisterXnnWindowKernels(registry);
  RegisterXnnElementwiseKernels(registry);
  RegisterXnnQuantKernels(registry);
}

}  // namespace kiln::edge
