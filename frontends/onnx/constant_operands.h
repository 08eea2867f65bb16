// Constant operands both ways: reads the data of operands that the importer turns into
// attributes or types (reduce axes, squeeze axes, quantization scales and zero points), and
// makes the constants that old opsets' attributes become (Pad's pads, Clip's min and max).
//
//   Expected<std::vector<int64_t>> axes = ConstantInts(op_operand);
//   if (!axes) return state.NodeError(node, "axes " + axes.error().message());
//   ir::Value* pads = AddI64Constant(graph, {0, 1, 0, 1}, "Pad_0.pads");
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "ir/status.h"
#include "ir/tensor_data.h"
#include "ir/value.h"

namespace kiln::onnx_import {

// Integer constants of any integer type (or bool), widened.
Expected<std::vector<int64_t>> ConstantInts(const ir::Value* value);
// f32 constants (f16/bf16 are converted).
Expected<std::vector<double>> ConstantFloats(const ir::Value* value);

// The same on bare data of the given scalar type.
Expected<std::vector<int64_t>> DataInts(ir::ScalarType scalar, const ir::TensorData& data);
Expected<std::vector<double>> DataFloats(ir::ScalarType scalar, const ir::TensorData& data);

// A 1-D i64 constant in `graph`.
ir::Value* AddI64Constant(ir::Graph& graph, const std::vector<int64_t>& values,
                          std::string_view name);
// A 1-D f32 constant in `graph`.
ir::Value* AddF32Constant(ir::Graph& graph, const std::vector<float>& values,
                          std::string_view name);
// A rank-0 constant of `scalar` holding `value` (converted; integer types are rounded toward
// zero and saturated, f16/bf16 rounded to nearest).
ir::Value* AddScalarConstant(ir::Graph& graph, ir::ScalarType scalar, double value,
                             std::string_view name);

}  // namespace kiln::onnx_import
