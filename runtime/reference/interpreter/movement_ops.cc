#include "runtime/reference/interpreter/movement_ops.h"

namespace kiln::ref {

void RegisterMovementOps(OpKernelTable& table) {
  RegisterShapeOps(table);
  RegisterCopyOps(table);
  RegisterResizeOps(table);
}

}  // namespace kiln::ref
