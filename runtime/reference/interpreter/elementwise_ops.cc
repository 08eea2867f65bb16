#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

// Placeholder until the elementwise kernels land (issue 3).
void RegisterElementwiseOps(OpKernelTable& /*table*/) {}

}  // namespace kiln::ref
