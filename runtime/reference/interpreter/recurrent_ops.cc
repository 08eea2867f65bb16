#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

// Placeholder until the recurrent kernels land (issue 3).
void RegisterRecurrentOps(OpKernelTable& /*table*/) {}

}  // namespace kiln::ref
