#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

// Placeholder until the indexing kernels land (issue 3).
void RegisterIndexingOps(OpKernelTable& /*table*/) {}

}  // namespace kiln::ref
