// Type and shape rules of individual ops, the half of the verifier (ir/verifier.h) that knows
// what each op kind computes: elementwise ops keep their operand's shape, broadcasting ops
// agree on one scalar type and broadcast, conv's channels match its weight (in either layout,
// ir/layout.h), pools keep batch and channels, and so on.
//
// Checks apply only where ranks and dims are known: a symbolic (`N`) or unknown (`?`) dim may
// stand for any size, so two dims conflict only when both are static and differ.
//
//   // The op's structure (counts, non-null required operands, typed values) is verified.
//   if (std::optional<std::string> problem = CheckOpShapes(op)) return Fail(op, *problem);
#pragma once

#include <optional>
#include <string>

#include "ir/op.h"

namespace kiln::ir {

// The first type or shape problem of `op`, phrased to follow the op's name
// ("operand 1 has rank 3, but the input has rank 4"), or nullopt when there is none.
// Requires operand, result and region counts within the op's schema, every required operand
// non-null and every operand and result typed.
std::optional<std::string> CheckOpShapes(const Op& op);

}  // namespace kiln::ir
