#include "passes/fusion/register.h"

namespace kiln {

void RegisterFusionPasses(PassRegistry& registry) { (void)registry; }

}  // namespace kiln
