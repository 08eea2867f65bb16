#include "passes/patterns/recognize_hardswish.h"

#include <cmath>
#include <vector>

#include "passes/pass_context.h"
#include "passes/patterns/pattern_rewrite.h"

namespace kiln {
namespace {

constexpr double kSixth = 1.0 / 6.0;

// x when `v` is clip(x + 3, 0, 6) or clip(relu(x + 3), 0, 6), with the ops appended to `ops`.
ir::Value* MatchRelu6OfXPlus3(const ir::Value* v, const ir::Graph& g, std::vector<ir::Op*>& ops) {
  ir::Op* clip = ProducerIn(v, ir::OpKind::kClip, g);
  if (clip == nullptr || clip->num_operands() != 3) return nullptr;
  // torch 1.13 writes relu6 as clip(relu(.), 0, 6).
  ir::Op* relu = ProducerIn(clip->operand(0), ir::OpKind::kRelu, g);
  ir::Op* add = ProducerIn(relu ? relu->operand(0) : clip->operand(0), ir::OpKind::kAdd, g);
  if (add == nullptr) return nullptr;
  for (int i = 0; i < 2; ++i) {
    ir::Value* x = add->operand(i);
    if (IsScalarNear(add->operand(1 - i), 3.0, x) && IsScalarNear(clip->operand(1), 0.0, x) &&
        IsScalarNear(clip->operand(2), 6.0, x)) {
      ops.push_back(add);
      if (relu != nullptr) ops.push_back(relu);
      ops.push_back(clip);
      return x;
    }
  }
  return nullptr;
}

// The value `op` divides by 6 or multiplies by 1/6 (null otherwise).
ir::Value* SixthOf(const ir::Op& op) {
  if (op.num_operands() != 2) return nullptr;
  if (op.kind() == ir::OpKind::kDiv) {
    return IsScalarNear(op.operand(1), 6.0, op.operand(0)) ? op.operand(0) : nullptr;
  }
  if (op.kind() != ir::OpKind::kMul) return nullptr;
  for (int i = 0; i < 2; ++i) {
    if (IsScalarNear(op.operand(1 - i), kSixth, op.operand(i))) return op.operand(i);
  }
  return nullptr;
}

ir::AttrMap HardSigmoidAttrs() {
  ir::AttrMap attrs;
  attrs.Set("alpha", ShortestDouble(static_cast<float>(kSixth)));
  attrs.Set("beta", 0.5);
  return attrs;
}

class HardSwishMatcher {
 public:
  explicit HardSwishMatcher(PatternRewriter& rewriter) : rewriter_(rewriter) {}

  void TryRewrite(ir::Op* op) {
    if (ir::Value* scaled = SixthOf(*op)) {
      if (TryClipForms(op, scaled)) return;
    }
    if (op->kind() == ir::OpKind::kMul && op->num_operands() == 2) TryHardSigmoidProduct(op);
  }

  int hard_swishes = 0;
  int hard_sigmoids = 0;

 private:
  // clip(x + 3, 0, 6) / 6, or (x * clip(x + 3, 0, 6)) / 6, ending at `last`.
  bool TryClipForms(ir::Op* last, ir::Value* scaled) {
    const ir::Graph& g = *last->graph();
    std::vector<ir::Op*> ops;
    if (ir::Value* x = MatchRelu6OfXPlus3(scaled, g, ops)) {
      ops.push_back(last);
      if (rewriter_.Replace(ops, ir::OpKind::kHardSigmoid, {x}, HardSigmoidAttrs())) {
        ++hard_sigmoids;
        return true;
      }
      return false;
    }
    ir::Op* mul = ProducerIn(scaled, ir::OpKind::kMul, g);
    if (mul == nullptr || mul->num_operands() != 2) return false;
    for (int i = 0; i < 2; ++i) {
      ops.clear();
      ir::Value* x = MatchRelu6OfXPlus3(mul->operand(1 - i), g, ops);
      if (x == nullptr || x != mul->operand(i)) continue;
      ops.push_back(mul);
      ops.push_back(last);
      if (rewriter_.Replace(ops, ir::OpKind::kHardSwish, {x})) {
        ++hard_swishes;
        return true;
      }
    }
    return false;
  }

  // x * hard_sigmoid(x) {alpha=1/6, beta=0.5}.
  void TryHardSigmoidProduct(ir::Op* mul) {
    for (int i = 0; i < 2; ++i) {
      ir::Value* x = mul->operand(i);
      ir::Op* hs = ProducerIn(mul->operand(1 - i), ir::OpKind::kHardSigmoid, *mul->graph());
      if (hs == nullptr || hs->operand(0) != x) continue;
      const double alpha = hs->attrs().GetFloat("alpha", 0.2);
      const double beta = hs->attrs().GetFloat("beta", 0.5);
      if (std::abs(alpha - kSixth) > 1e-6 * kSixth || beta != 0.5) continue;
      if (rewriter_.Replace({hs, mul}, ir::OpKind::kHardSwish, {x})) {
        ++hard_swishes;
        return;
      }
    }
  }

  PatternRewriter& rewriter_;
};

}  // namespace

PassResult RecognizeHardSwishPass::run(ir::Graph& graph, PassContext& ctx) {
  PatternRewriter rewriter;
  HardSwishMatcher matcher(rewriter);
  const int n = rewriter.Run(graph, [&](ir::Op* op) { matcher.TryRewrite(op); });
  if (matcher.hard_swishes) ctx.AddStatistic("hard-swishes-recognized", matcher.hard_swishes);
  if (matcher.hard_sigmoids) ctx.AddStatistic("hard-sigmoids-recognized", matcher.hard_sigmoids);
  return PassResult::ChangedIf(n > 0);
}

}  // namespace kiln
