#include "passes/fusion/fuse_activation.h"

#include <limits>
#include <optional>

#include "ir/fused_activation.h"
#include "ir/scalar_type.h"
#include "passes/fusion/fusion_rewrite.h"
#include "passes/match.h"
#include "passes/pass_context.h"

namespace kiln {
namespace {

// Clip's bound operand `i`: absent gives `fallback`; otherwise a one-element f32 constant.
std::optional<double> ClipBound(const ir::Op& clip, int i, double fallback) {
  ir::Value* v = i < clip.num_operands() ? clip.operand(i) : nullptr;
  if (v == nullptr) return fallback;
  if (!IsPlainF32(v->type())) return std::nullopt;
  return ScalarConstant(v);
}

// The fused form of the unary op `act`, or nullopt when it has none.
std::optional<ir::FusedActivation> AsFusedActivation(const ir::Op& act) {
  if (act.kind() != ir::OpKind::kClip) return ir::ActivationOfUnaryOp(act);
  constexpr double kMax = std::numeric_limits<float>::max();
  std::optional<double> lo = ClipBound(act, 1, -kMax);
  std::optional<double> hi = ClipBound(act, 2, kMax);
  if (!lo || !hi) return std::nullopt;
  return ir::FusedActivation{.kind = ir::ActivationKind::kClip, .alpha = *lo, .beta = *hi};
}

bool Fuse(ir::Op& act) {
  if (act.num_operands() < 1 || act.num_results() != 1 || act.operand(0) == nullptr) return false;
  std::optional<ir::FusedActivation> a = AsFusedActivation(act);
  if (!a) return false;
  ir::Value* x = act.operand(0);
  ir::Op* p = x->producer();
  if (p == nullptr || p->graph() != act.graph() || !HasOneUse(x) || !HasNoActivation(*p)) {
    return false;
  }
  // Float results only (f16 too); a quantized result would need the activation requantized.
  for (const ir::TensorType* t : {x->type(), act.result(0)->type()}) {
    if (t->is_quantized() || !ir::IsFloat(t->scalar())) return false;
  }
  ir::SetFusedActivation(*p, *a);
  TakeOverResult(p->result(0), act.result(0));
  return true;
}

}  // namespace

PassResult FuseActivationPass::run(ir::Graph& graph, PassContext& ctx) {
  int fused = 0;
  ForEachOp(graph, [&](ir::Op* act) {
    if (!Fuse(*act)) return;
    act->graph()->EraseOp(act);
    ++fused;
  });
  if (fused) ctx.AddStatistic("activations-fused", fused);
  return PassResult::ChangedIf(fused);
}

}  // namespace kiln
