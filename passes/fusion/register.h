// Registers the fusion passes (fold-batchnorm, fuse-*): ops merged into one op a runtime executes
// as one kernel.
//
//   PassRegistry registry;
//   RegisterFusionPasses(registry);
#pragma once

#include "passes/registry.h"

namespace kiln {

void RegisterFusionPasses(PassRegistry& registry);

}  // namespace kiln
