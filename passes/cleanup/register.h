// Registers the cleanup passes (dce, cse) with a PassRegistry.
//
//   PassRegistry registry;
//   RegisterCleanupPasses(registry);
//   registry.Contains("cse")  // true
#pragma once

#include "passes/registry.h"

namespace kiln {

void RegisterCleanupPasses(PassRegistry& registry);

}  // namespace kiln
