// Parsers for the leaves of Kiln's textual IR: numbers and tensor types (with quantization
// specs). ir/parser.cc parses the graph structure and calls these; each reads from a
// TokenReader and, on malformed input, records the error there and returns false.
//
//   TokenReader in("i8<per_axis axis=0 scales=[0.5,0.25]>[2,N]", "t.kir");
//   const TensorType* type = nullptr;
//   if (!ParseType(in, ctx, &type)) std::cerr << in.error();
#pragma once

#include <cstdint>
#include <string_view>

#include "ir/context.h"
#include "ir/lexer.h"
#include "ir/tensor_type.h"

namespace kiln::ir {

// Limits that keep hostile input from overflowing shape arithmetic downstream.
inline constexpr int kMaxRank = 64;
inline constexpr int64_t kMaxDimSize = int64_t{1} << 40;
inline constexpr int64_t kMaxElements = int64_t{1} << 50;

// An integer token in [lo, hi]; `what` names it in messages ("expected <what>").
bool ParseInt(TokenReader& in, std::string_view what, int64_t lo, int64_t hi, int64_t* out);
// A number token (integer, float, inf, -inf or nan) as a double or a float.
bool ParseDouble(TokenReader& in, std::string_view what, double* out);
bool ParseFloat(TokenReader& in, std::string_view what, float* out);

// scalar-type ['<' quant '>'] '[' ('*' | dims) ']'
bool ParseType(TokenReader& in, Context& ctx, const TensorType** out);

}  // namespace kiln::ir
