#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

// Placeholder until the quantization kernels land (issue 3).
void RegisterQuantizationOps(OpKernelTable& /*table*/) {}

}  // namespace kiln::ref
