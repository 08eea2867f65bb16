#include "runtime/edge/kernel_registry.h"

namespace kiln::edge {

void RegisterEdgeKernels(KernelRegistry& registry) {
  RegisterPortableKernels(registry);
  RegisterXnnWindowKernels(registry);
  RegisterXnnElementwiseKernels(registry);
}

}  // namespace kiln::edge
