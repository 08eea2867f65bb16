// Registers the shape passes (infer-shapes, simplify-shapes): precise result types, and shape
// arithmetic folded where dims are static while symbolic dims stay symbolic.
//
//   PassRegistry registry;
//   RegisterShapePasses(registry);
#pragma once

#include "passes/registry.h"

namespace kiln {

void RegisterShapePasses(PassRegistry& registry);

}  // namespace kiln
