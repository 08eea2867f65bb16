#include "passes/patterns/recognize_silu.h"

#include "passes/pass_context.h"
#include "passes/patterns/pattern_rewrite.h"

namespace kiln {

PassResult RecognizeSiluPass::run(ir::Graph& graph, PassContext& ctx) {
  PatternRewriter rewriter;
  const int n = rewriter.Run(graph, [&](ir::Op* mul) {
    if (mul->kind() != ir::OpKind::kMul || mul->num_operands() != 2) return;
    for (int i = 0; i < 2; ++i) {
      ir::Value* x = mul->operand(i);
      ir::Op* sigmoid = ProducerIn(mul->operand(1 - i), ir::OpKind::kSigmoid, *mul->graph());
      if (sigmoid != nullptr && sigmoid->operand(0) == x &&
          rewriter.Replace({sigmoid, mul}, ir::OpKind::kSilu, {x})) {
        return;
      }
    }
  });
  if (n) ctx.AddStatistic("silus-recognized", n);
  return PassResult::ChangedIf(n > 0);
}

}  // namespace kiln
