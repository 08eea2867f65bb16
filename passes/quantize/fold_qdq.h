// QDQ folding (`fold-qdq`): turns the QDQ form the quantizer writes (docs/quantization.md) into
// ops on quantized types (docs/ir.md, "Quantized operands"), the form targets lower to integer
// kernels. For a conv, gemm, linear or matmul whose operand 0 is dequantize(x) of a quantized x:
//   - every operand that is dequantize(v) reads v instead (activations, i8 weight constants,
//     i32 bias constants);
//   - if the op's only use is quantize, the op produces the quantized type itself and the
//     quantize goes.
//
//   %d = dequantize(%xq)  %wd = dequantize(%wq)  %y = conv(%d, %wd)  %yq = quantize(%y) : u8<..>
//     =>  %yq = conv(%xq, %wq) : u8<..>
//
// The numbers do not change: the reference runtime computes both forms the same way. Dequantize
// ops left without uses stay for dce. Statistics: ops-folded, quantize-folded.
#pragma once

#include "passes/pass.h"

namespace kiln {

class FoldQdqPass : public Pass {
 public:
  std::string_view name() const override { return "fold-qdq"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
