#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

// Placeholder until the movement kernels land (issue 3).
void RegisterMovementOps(OpKernelTable& /*table*/) {}

}  // namespace kiln::ref
