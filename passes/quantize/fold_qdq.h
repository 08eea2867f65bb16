// QDQ folding (`fold-qdq`): turns the QDQ form the quantizer writes (docs/quantization.md) into
// ops on quantized types (docs/ir.md, "Quantized operands"), the form targets lower to integer
// kernels. For a conv, gemm, linear or matmul with a float result whose operand 0 is quantized
// or dequantize(x) of a quantized x:
//   - every operand that is dequantize(v) reads v instead (activations, i8 weight constants,
//     i32 bias constants), except the residual of conv and linear (operand 3);
//   - if the op's only use is quantize, the op produces the quantized type itself and the
//     quantize goes; with a residual, only when the residual is (the dequantize of) a value of
//     the same quantized scalar type, which the op then reads instead. Integer kernels add the
//     residual in the result's type.
// A gemm, linear or matmul marked dynamic_quant (ir/dynamic_quant.h) keeps its f32 input and
// reads its weight constant instead of dequantize(constant).
// An add whose operands all have quantized forms and whose only use is quantize reads those and
// produces the quantized type (mobilenet's residual adds; a target runs it as an integer add or
// expands it back). Run again after fuse-residual-add and fuse-activation (cloud legalization), it
// folds the quantize that follows a fused residual add and activation. First, a per-tensor quantize
// of a chain of max pools and byte copies (reshape, flatten, squeeze, unsqueeze, identity,
// transpose) over such an op's float result, each value used once, moves below the chain (they
// commute with quantization exactly), so the op folds it and the chain runs on int8 (resnet's
// stem pool; a classifier's conv -> max_pool -> flatten).
//
//   %d = dequantize(%xq)  %wd = dequantize(%wq)  %y = conv(%d, %wd)  %yq = quantize(%y) : u8<..>
//     =>  %yq = conv(%xq, %wq) : u8<..>
//
// The numbers do not change: the reference runtime computes both forms the same way. Dequantize
// ops left without uses stay for dce. Statistics: quantize-hoisted, ops-folded, quantize-folded.
#pragma once

#include "passes/pass.h"

namespace kiln {

class FoldQdqPass : public Pass {
 public:
  std::string_view name() const override { return "fold-qdq"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
