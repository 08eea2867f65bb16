#include "passes/register_all.h"

#include "passes/cleanup/register.h"

namespace kiln {

void RegisterAllPasses(PassRegistry& registry) { RegisterCleanupPasses(registry); }

}  // namespace kiln
