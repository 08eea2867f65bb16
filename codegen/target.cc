#include "codegen/target.h"

#include <algorithm>

#include "ir/str_cat.h"

namespace kiln::codegen {
namespace {

using ir::StrCat;

// Constants may be integer (shapes, starts, indices, axes); everything else is plain f32.
bool IsAllowedConstantType(const ir::TensorType& type) {
  if (type.is_quantized()) return false;
  ir::ScalarType s = type.scalar();
  return s == ir::ScalarType::kF32 || s == ir::ScalarType::kI32 || s == ir::ScalarType::kI64;
}

bool IsAllowedActivationType(const ir::TensorType& type) {
  return !type.is_quantized() && type.scalar() == ir::ScalarType::kF32;
}

std::string TypeWord(const ir::TensorType& type) {
  std::string word(ir::ScalarTypeName(type.scalar()));
  if (type.is_quantized()) word = "quantized " + word;
  return word;
}

}  // namespace

int64_t Target::buffer_bytes(const ir::TensorType& type, std::span<const int64_t> dims) const {
  return DenseBytes(type, dims);
}

Status CheckSupportedF32(const ir::Op& op, std::span<const ir::OpKind> kinds,
                         std::string_view target) {
  if (op.num_regions() > 0 || std::find(kinds.begin(), kinds.end(), op.kind()) == kinds.end()) {
    return Status::Error(
        StrCat("op '", op.kind_name(), "' is not supported by target '", target, "'"));
  }
  for (const ir::Value* operand : op.operands()) {
    if (!operand) continue;
    const ir::TensorType& type = *operand->type();
    const bool ok =
        operand->is_constant() ? IsAllowedConstantType(type) : IsAllowedActivationType(type);
    if (!ok) {
      return Status::Error(StrCat(TypeWord(type), operand->is_constant() ? " constant" : "",
                                  " operands are not supported by target '", target, "'"));
    }
  }
  for (int r = 0; r < op.num_results(); ++r) {
    const ir::TensorType& type = *op.result(r)->type();
    if (!IsAllowedActivationType(type)) {
      return Status::Error(
          StrCat(TypeWord(type), " results are not supported by target '", target, "'"));
    }
  }
  return Status::Ok();
}

}  // namespace kiln::codegen
