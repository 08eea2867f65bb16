#include "passes/cleanup/register.h"

#include "passes/cleanup/cse.h"
#include "passes/cleanup/dce.h"
#include "passes/cleanup/eliminate_noops.h"
#include "passes/cleanup/fold_constants.h"

namespace kiln {

void RegisterCleanupPasses(PassRegistry& registry) {
  registry.Register("cse", "Merge ops that compute the same value, and identical constants",
                    OptionlessFactory<CommonSubexpressionEliminationPass>());
  registry.Register("dce", "Remove unused ops, constants and constant pool entries",
                    OptionlessFactory<DeadCodeEliminationPass>());
  registry.Register("eliminate-noops",
                    "Remove ops that return their operand unchanged (identity, inference "
                    "dropout, same-type cast, reshape to the same shape, ...)",
                    OptionlessFactory<EliminateNoOpsPass>());
  registry.Register("fold-constants",
                    "Evaluate ops whose operands are all constants, unless that grows the model "
                    "(option max-growth-bytes, default 256)",
                    FoldConstantsPass::Create);
}

}  // namespace kiln
