// What the targets' "runs this op on quantized types" checks share
// (codegen/cloud/cloud_quantized.h, codegen/edge/edge_quantized.h): predicates on quantized
// tensor types and the checks of ops both runtimes run the same way.
//
//   if (!PerTensorInt8(*x.type()) || !ZeroPointsZero(*x.type()->quant())) return ...;
//   return CheckSameGridPool(op, "edge");   // "max_pool other than ... is not supported by ..."
#pragma once

#include <string_view>

#include "ir/op.h"
#include "ir/status.h"

namespace kiln::codegen {

bool IsInt8(ir::ScalarType s);  // u8 or i8
bool ZeroPointsZero(const ir::QuantSpec& q);
bool OneZeroPoint(const ir::QuantSpec& q);
// A u8/i8 quantized type with one scale and zero point.
bool PerTensorInt8(const ir::TensorType& t);

// "<what> is not supported by target '<target>'".
Status NotOnTarget(std::string_view what, std::string_view target);

// A max pool of a per-tensor u8/i8 value to the same grid (exact: max commutes with
// quantization).
Status CheckSameGridPool(const ir::Op& op, std::string_view target);

// reshape, transpose and the like: a copy of the bytes, so the same scalar type in and out.
Status CheckByteCopy(const ir::Op& op, std::string_view target);

}  // namespace kiln::codegen
