// Registers every pass Kiln has: the one place to find them all.
//
//   PassRegistry registry;
//   RegisterAllPasses(registry);
//   for (const auto& [name, description] : registry.List()) std::cout << name << "\n";
#pragma once

#include "passes/registry.h"

namespace kiln {

void RegisterAllPasses(PassRegistry& registry);

}  // namespace kiln
