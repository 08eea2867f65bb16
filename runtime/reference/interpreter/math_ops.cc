#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

// Placeholder until the math kernels land (issue 3).
void RegisterMathOps(OpKernelTable& /*table*/) {}

}  // namespace kiln::ref
