#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

// Placeholder until the normalization kernels land (issue 3).
void RegisterNormalizationOps(OpKernelTable& /*table*/) {}

}  // namespace kiln::ref
