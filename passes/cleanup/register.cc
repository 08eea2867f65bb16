#include "passes/cleanup/register.h"

#include "passes/cleanup/cse.h"
#include "passes/cleanup/dce.h"

namespace kiln {

void RegisterCleanupPasses(PassRegistry& registry) {
  registry.Register("cse", "Merge ops that compute the same value, and identical constants",
                    OptionlessFactory<CommonSubexpressionEliminationPass>());
  registry.Register("dce", "Remove unused ops, constants and constant pool entries",
                    OptionlessFactory<DeadCodeEliminationPass>());
}

}  // namespace kiln
