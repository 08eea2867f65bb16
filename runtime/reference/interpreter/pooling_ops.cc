#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

// Placeholder until the pooling kernels land (issue 3).
void RegisterPoolingOps(OpKernelTable& /*table*/) {}

}  // namespace kiln::ref
