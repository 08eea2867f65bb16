// Registers every pass Kiln has, and the named pipelines built from them: the one place to
// find them all.
//
//   PassRegistry registry;
//   RegisterAllPasses(registry);
//   for (const auto& [name, description] : registry.List()) std::cout << name << "\n";
#pragma once

#include <string_view>

#include "passes/registry.h"

namespace kiln {

// Every pass, then the standard pipelines.
void RegisterAllPasses(PassRegistry& registry);
// The named pipelines `cleanup` (-O1), `optimize` (-O2) and `nhwc` (channels-last layout).
void RegisterStandardPipelines(PassRegistry& registry);
// The pipeline text of optimization level 0 ("": verify only), 1 ("cleanup") or 2 ("optimize").
std::string_view PipelineForLevel(int level);

}  // namespace kiln
