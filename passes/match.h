// Small questions rewrites ask about the graph: is this value a constant, which numbers does it
// hold, who produced it, is it used once. Pattern-matching passes (fusions, folds, pattern
// recognition) are written with these instead of re-reading constant bytes by hand.
//
//   if (ir::Op* add = ProducerOf(v, ir::OpKind::kAdd); add && HasOneUse(v)) ...
//   std::optional<double> eps = ScalarConstant(add->operand(1));      // 1e-5
//   std::optional<std::vector<float>> w = FloatConstant(conv->operand(1));
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "ir/op.h"
#include "ir/tensor_data.h"

namespace kiln {

// The bytes of a constant value (null for anything else, or an elided constant).
const ir::TensorData* ConstantData(const ir::Value* value);

// The single number held by a constant of one element (any rank) of a float, integer or bool
// type, as a double; nullopt otherwise (including quantized constants).
std::optional<double> ScalarConstant(const ir::Value* value);
// True when `value` is a constant whose every element equals `x` (an empty tensor: false).
bool IsConstantSplat(const ir::Value* value, double x);

// Every element of an f32 constant (nullopt for other types or non-constants).
std::optional<std::vector<float>> FloatConstant(const ir::Value* value);
// Every element of an i64 or i32 constant, widened to int64.
std::optional<std::vector<int64_t>> IntConstant(const ir::Value* value);

// f32 and not quantized (false for null).
bool IsPlainF32(const ir::TensorType* type);
// True when `op` reads or writes a quantized type.
bool TouchesQuantized(const ir::Op& op);

// `value`'s producer when it is an op of `kind`; null otherwise.
ir::Op* ProducerOf(const ir::Value* value, ir::OpKind kind);
// Exactly one use, by an op (not a graph output).
bool HasOneUse(const ir::Value* value);

// New constants in `graph` (a region's constants live in the shared root pool).
ir::Value* AddFloatConstant(ir::Graph& graph, const std::vector<int64_t>& sizes,
                            const std::vector<float>& values, std::string_view name_hint);
ir::Value* AddIntConstant(ir::Graph& graph, const std::vector<int64_t>& sizes,
                          const std::vector<int64_t>& values, std::string_view name_hint);

}  // namespace kiln
