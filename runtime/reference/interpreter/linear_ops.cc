#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

// Placeholder until the linear kernels land (issue 3).
void RegisterLinearOps(OpKernelTable& /*table*/) {}

}  // namespace kiln::ref
