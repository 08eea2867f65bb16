#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

// Placeholder until the linalg kernels land (issue 3).
void RegisterLinalgOps(OpKernelTable& /*table*/) {}

}  // namespace kiln::ref
