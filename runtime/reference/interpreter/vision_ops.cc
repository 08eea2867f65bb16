#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

// Placeholder until the vision kernels land (issue 3).
void RegisterVisionOps(OpKernelTable& /*table*/) {}

}  // namespace kiln::ref
