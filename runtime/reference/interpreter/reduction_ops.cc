#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

// Placeholder until the reduction kernels land (issue 3).
void RegisterReductionOps(OpKernelTable& /*table*/) {}

}  // namespace kiln::ref
