#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

void RegisterAllOpKernels(OpKernelTable& table) {
  RegisterElementwiseOps(table);
  RegisterLinearOps(table);
  RegisterPoolingOps(table);
  RegisterNormalizationOps(table);
  RegisterReductionOps(table);
  RegisterMovementOps(table);
  RegisterQuantizationOps(table);
  RegisterIndexingOps(table);
  RegisterLinalgOps(table);
  RegisterVisionOps(table);
  RegisterRecurrentOps(table);
}

}  // namespace kiln::ref
