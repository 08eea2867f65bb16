#include "codegen/quantized_checks.h"

#include <algorithm>

#include "ir/str_cat.h"

namespace kiln::codegen {

using ir::QuantGranularity;
using ir::ScalarType;
using ir::StrCat;

bool IsInt8(ScalarType s) { return s == ScalarType::kU8 || s == ScalarType::kI8; }

bool ZeroPointsZero(const ir::QuantSpec& q) {
  return std::all_of(q.zero_points.begin(), q.zero_points.end(), [](int32_t z) { return z == 0; });
}

bool OneZeroPoint(const ir::QuantSpec& q) {
  return std::all_of(q.zero_points.begin(), q.zero_points.end(),
                     [&](int32_t z) { return z == q.zero_points.front(); });
}

bool PerTensorInt8(const ir::TensorType& t) {
  return t.is_quantized() && IsInt8(t.scalar()) &&
         t.quant()->granularity == QuantGranularity::kPerTensor;
}

Status NotOnTarget(std::string_view what, std::string_view target) {
  return Status::Error(StrCat(what, " is not supported by target '", target, "'"));
}

Status CheckSameGridPool(const ir::Op& op, std::string_view target) {
  const ir::TensorType& x = *op.operand(0)->type();
  const ir::TensorType& y = *op.result(0)->type();
  if (!PerTensorInt8(x) || op.num_results() != 1 || !y.is_quantized() || y.scalar() != x.scalar() ||
      *y.quant() != *x.quant()) {
    return NotOnTarget(StrCat(op.kind_name(), " other than per-tensor u8/i8 to the same grid"),
                       target);
  }
  return Status::Ok();
}

Status CheckByteCopy(const ir::Op& op, std::string_view target) {
  if (op.operand(0)->type()->scalar() != op.result(0)->type()->scalar()) {
    return NotOnTarget(StrCat(op.kind_name(), " that changes the quantized type"), target);
  }
  return Status::Ok();
}

}  // namespace kiln::codegen
