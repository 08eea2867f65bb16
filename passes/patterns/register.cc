#include "passes/patterns/register.h"

namespace kiln {

void RegisterPatternPasses(PassRegistry& registry) { (void)registry; }

}  // namespace kiln
