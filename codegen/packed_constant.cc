#include "codegen/packed_constant.h"

#include "ir/graph.h"
#include "passes/match.h"

namespace kiln::codegen {
namespace {

bool IsPackableScalar(ir::ScalarType s) {
  return s == ir::ScalarType::kI8 || s == ir::ScalarType::kU8 || s == ir::ScalarType::kI4 ||
         s == ir::ScalarType::kU4;
}

}  // namespace

bool IsPackedConstant(const ir::Op& op) {
  if (op.kind() != ir::OpKind::kDequantize || op.num_operands() != 1 || op.num_results() != 1) {
    return false;
  }
  const ir::Value* codes = op.operand(0);
  const ir::Value* real = op.result(0);
  if (codes == nullptr || !codes->is_constant() || !codes->type()->is_quantized() ||
      !IsPackableScalar(codes->type()->scalar()) || !IsPlainF32(real->type())) {
    return false;
  }
  const ir::Shape& shape = real->type()->shape();
  if (!shape.is_ranked() || !shape.is_static() || shape != codes->type()->shape()) return false;
  const ir::Graph* graph = op.graph();
  for (int i = 0; graph != nullptr && i < graph->num_outputs(); ++i) {
    if (graph->output(i) == real) return false;
  }
  return true;
}

}  // namespace kiln::codegen
