#include "passes/shapes/register.h"

namespace kiln {

void RegisterShapePasses(PassRegistry& registry) { (void)registry; }

}  // namespace kiln
