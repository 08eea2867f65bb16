// Constant folding (`fold-constants`): an op whose operands are all constants is evaluated
// once on the reference runtime and its used results become constants. Exported graphs are
// full of such ops: shape arithmetic on static dims, transposes and casts of weights.
//
// A fold must not make the model file grow: it is done only when the bytes of the new
// constants are at most the bytes of the operand constants it leaves unused (those used by
// this op alone, whose pool entry no other constant shares) plus `max-growth-bytes`
// (default 256). Where the result shapes are known (from the result types or shape
// inference) that rule is checked before evaluating, so range(0, 100000), an expand of a
// scalar or a big constant_of_shape stay ops and cost nothing; an op whose result size cannot
// be known beforehand is not evaluated. Not folded: `if` and ops in regions, dropout (may
// be random), ops with no used result, quantized results, dequantize (the QDQ form's quantized
// weights and biases, which targets read quantized), elided constant operands. An
// operand combination the runtime rejects leaves the op alone (it fails at run time with the
// runtime's message). Operand constants that become unused stay for `dce`.
// Statistics: ops-folded, bytes-added (growth of the folds that grew), ops-kept-too-large,
// ops-kept-unknown-size, ops-failed.
//
//   FoldConstantsPass fold(/*max_growth_bytes=*/256);
//   PassResult r = fold.run(graph, ctx);   // %d = gather(shape(%w), 0)  =>  %d = const 64
//   kiln opt m.kir --pipeline "fold-constants{max-growth-bytes=0},dce" -o out.kir
#pragma once

#include <cstdint>
#include <memory>

#include "ir/status.h"
#include "passes/pass.h"
#include "passes/pass_options.h"

namespace kiln {

class FoldConstantsPass : public Pass {
 public:
  static constexpr int64_t kDefaultMaxGrowthBytes = 256;

  explicit FoldConstantsPass(int64_t max_growth_bytes = kDefaultMaxGrowthBytes)
      : max_growth_bytes_(max_growth_bytes) {}
  // The registry's factory: options `max-growth-bytes` (a non-negative integer).
  static Expected<std::unique_ptr<Pass>> Create(const PassOptions& options);

  std::string_view name() const override { return "fold-constants"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;

 private:
  int64_t max_growth_bytes_;
};

}  // namespace kiln
