// Registers the pattern-recognition passes (recognize-*): ops spelled out by exporters, replaced by
// the one op they compute.
//
//   PassRegistry registry;
//   RegisterPatternPasses(registry);
#pragma once

#include "passes/registry.h"

namespace kiln {

void RegisterPatternPasses(PassRegistry& registry);

}  // namespace kiln
