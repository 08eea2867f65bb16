// Dynamic int8 (`--quantize int8-dynamic`, docs/quantization.md): a gemm, matmul or linear with
// the attribute `dynamic_quant=1` quantizes its operand 0 to u8 per tensor each time it runs,
// on a grid taken from that tensor's own range (ONNX DynamicQuantizeLinear;
// runtime/reference/kernels/dynamic_quantize.h), and multiplies the quantized values. Its
// weight is i8 per output channel (dequantize of a constant, or the constant itself once
// fold-qdq folded it). Runtimes that cannot do this must refuse the op, never ignore the mark:
// the numbers depend on it.
//
//   if (IsDynamicQuant(op)) ...          // attribute dynamic_quant = 1
//   op.attrs().Set(kDynamicQuantAttr, int64_t{1});
#pragma once

#include <string_view>

#include "ir/op.h"

namespace kiln::ir {

inline constexpr std::string_view kDynamicQuantAttr = "dynamic_quant";

inline bool IsDynamicQuant(const Op& op) { return op.attrs().GetInt(kDynamicQuantAttr, 0) != 0; }

}  // namespace kiln::ir
