#include "passes/layout/sink_transposes.h"

#include <optional>
#include <string>
#include <vector>

#include "passes/fusion/fusion_rewrite.h"
#include "passes/layout/layout_rewrite.h"
#include "passes/layout/permutation.h"
#include "passes/layout/transpose_folds.h"
#include "passes/pass_context.h"

namespace kiln {
namespace {

// Enough for any real graph (each round moves transposes further down or removes some); a
// bound keeps a bug from looping forever.
constexpr int kMaxRounds = 256;

struct Transposed {
  ir::Op* op;
  Perm perm;
};

// `v` as transpose(x, perm) of a layout-free type, or nullopt.
std::optional<Transposed> TransposeOf(const ir::Value* v) {
  ir::Op* t = v ? v->producer() : nullptr;
  if (t == nullptr || t->kind() != ir::OpKind::kTranspose || t->operand(0) == nullptr) {
    return std::nullopt;
  }
  const ir::TensorType* in = t->operand(0)->type();
  if (!IsLayoutFree(in) || !SameElements(in, v->type())) return std::nullopt;
  std::optional<Perm> perm = TransposePerm(*t);
  if (!perm) return std::nullopt;
  return Transposed{t, std::move(*perm)};
}

// A ranked, layout-free result of rank `rank`.
bool IsMovableResult(const ir::Value* y, size_t rank) {
  const ir::Shape& s = y->type()->shape();
  return s.is_ranked() && s.rank() == static_cast<int>(rank) && IsLayoutFree(y->type());
}

// Replaces `op` by the same op on `operands`, followed by transpose(., perm) that takes over
// op's uses. The new op's type is the old result's with `perm` undone.
void ReplaceWithTransposed(ir::Op& op, std::vector<ir::Value*> operands, const Perm& perm) {
  ir::Graph& graph = *op.graph();
  ir::Value* y = op.result(0);
  const ir::TensorType* inner =
      graph.context().WithShape(y->type(), PermuteShape(y->type()->shape(), InversePerm(perm)));
  ir::Op* moved = graph.CreateOp(op.kind(), std::move(operands), {inner}, op.attrs(), &op);
  moved->set_name(op.name());
  // The moved op's result keeps the name (the transpose is likely to cancel further down).
  moved->result(0)->set_name(y->name());
  y->ReplaceAllUsesWith(CreateTranspose(moved->result(0), perm, y->type(), &op));
  graph.EraseOp(&op);
}

// (a) transpose(transpose(x, p), q) -> transpose(x, p[q[i]]), or x.
const char* MergeTransposes(ir::Op& outer) {
  std::optional<Transposed> inner = TransposeOf(outer.operand(0));
  std::optional<Perm> q = TransposePerm(outer);
  ir::Value* y = outer.result(0);
  if (!inner || !q || q->size() != inner->perm.size() || !IsLayoutFree(y->type()) ||
      !SameElements(outer.operand(0)->type(), y->type())) {
    return nullptr;
  }
  const Perm composed = ComposePerms(inner->perm, *q);
  ir::Value* x = inner->op->operand(0);
  if (IsIdentityPerm(composed)) {
    y->ReplaceAllUsesWith(x);
    outer.graph()->EraseOp(&outer);
    EraseIfDead(inner->op);
    return "transposes-cancelled";
  }
  outer.SetOperand(0, x);
  outer.attrs().Set("perm", composed);
  EraseIfDead(inner->op);
  return "transposes-merged";
}

// (b) unary(transpose(x, p)) -> transpose(unary(x), p).
const char* SinkThroughUnary(ir::Op& op) {
  if (!IsSinkableUnary(op)) return nullptr;
  std::optional<Transposed> t = TransposeOf(op.operand(0));
  if (!t || !UsedOnlyBy(t->op->result(0), &op) || !IsMovableResult(op.result(0), t->perm.size())) {
    return nullptr;
  }
  std::vector<ir::Value*> operands(op.operands().begin(), op.operands().end());
  operands[0] = t->op->operand(0);
  ReplaceWithTransposed(op, std::move(operands), t->perm);
  EraseIfDead(t->op);
  return "ops-sunk-past";
}

// A constant c' such that op(transpose(a, perm), c) == transpose(op(a, c'), perm) for a
// result of rank `rank`: c itself when it holds one element, else c (aligned to `rank` dims
// from the right) transposed by the inverse of `perm`, without leading ones. Null when c is
// not such a constant.
ir::Value* MatchingConstant(ir::Graph& graph, ir::Value* c, const Perm& perm) {
  const int rank = static_cast<int>(perm.size());
  std::optional<std::vector<int64_t>> sizes = StaticSizes(c->type());
  if (!c->is_constant() || !IsLayoutFree(c->type()) || !sizes ||
      static_cast<int>(sizes->size()) > rank) {
    return nullptr;
  }
  if (c->type()->shape().num_elements() == int64_t{1}) return c;
  std::vector<int64_t> padded(rank - sizes->size(), 1);
  padded.insert(padded.end(), sizes->begin(), sizes->end());
  const Perm inverse = InversePerm(perm);
  std::optional<std::shared_ptr<const ir::TensorData>> data =
      PermutedConstantData(*c, padded, inverse);
  if (!data) return nullptr;
  std::vector<int64_t> permuted;
  for (int64_t p : inverse) {
    if (!permuted.empty() || padded[p] != 1) permuted.push_back(padded[p]);
  }
  const ir::TensorType* type = graph.context().WithShape(c->type(), ir::Shape::Static(permuted));
  const std::string name(ConstantName(c));
  ir::Value* v =
      graph.AddConstant(type, std::move(*data), (name.empty() ? "c" : name) + "_permuted");
  v->set_name(v->constant()->name);
  return v;
}

// (c) binary(transpose(a, p), transpose(b, p)) or binary(transpose(a, p), constant) ->
// transpose(binary(a, b'), p), when it removes at least one transpose.
const char* SinkThroughBinary(ir::Op& op) {
  if (!IsSinkableBinary(op)) return nullptr;
  std::optional<Transposed> t[2] = {TransposeOf(op.operand(0)), TransposeOf(op.operand(1))};
  ir::Value* y = op.result(0);
  for (std::optional<Transposed>& ti : t) {
    if (ti && !IsMovableResult(y, ti->perm.size())) ti.reset();
  }
  std::vector<ir::Value*> operands(2);
  Perm perm;
  if (t[0] && t[1]) {
    if (t[0]->perm != t[1]->perm) return nullptr;
    const bool shared = t[0]->op == t[1]->op;  // op(t, t)
    if (!UsedOnlyBy(t[0]->op->result(0), &op) &&
        (shared || !UsedOnlyBy(t[1]->op->result(0), &op))) {
      return nullptr;
    }
    perm = t[0]->perm;
    operands = {t[0]->op->operand(0), t[1]->op->operand(0)};
    if (shared) t[1].reset();
  } else if (t[0] || t[1]) {
    const int i = t[0] ? 0 : 1;
    if (!UsedOnlyBy(t[i]->op->result(0), &op)) return nullptr;
    perm = t[i]->perm;
    ir::Value* c = MatchingConstant(*op.graph(), op.operand(1 - i), perm);
    if (c == nullptr) return nullptr;
    operands[i] = t[i]->op->operand(0);
    operands[1 - i] = c;
  } else {
    return nullptr;
  }
  ReplaceWithTransposed(op, std::move(operands), perm);
  for (std::optional<Transposed>& ti : t) {
    if (ti) EraseIfDead(ti->op);
  }
  return "ops-sunk-past";
}

class TransposeSinker {
 public:
  explicit TransposeSinker(PassContext& ctx) : ctx_(ctx) {}

  bool Run(ir::Graph& graph) {
    bool any = false;
    for (int round = 0; round < kMaxRounds; ++round) {
      // Folds only once nothing sinks any more: a transpose that could still move down and
      // cancel must not become a reshape first.
      if (!Sweep(graph, Sink) && !Sweep(graph, Fold)) break;
      any = true;
    }
    return any;
  }

 private:
  static const char* Sink(ir::Op& op) {
    if (op.kind() == ir::OpKind::kTranspose) return MergeTransposes(op);
    if (const char* stat = SinkThroughUnary(op)) return stat;
    return SinkThroughBinary(op);
  }

  static const char* Fold(ir::Op& op) {
    if (op.kind() == ir::OpKind::kTranspose) return TransposeToReshape(op);
    if (op.kind() != ir::OpKind::kFlatten) return nullptr;
    if (const char* stat = FoldFlattenOfReshape(op)) return stat;
    return FoldTransposeIntoWeights(op);
  }

  bool Sweep(ir::Graph& graph, const char* (*rule)(ir::Op&)) {
    bool changed = false;
    ForEachOp(graph, [&](ir::Op* op) {
      if (const char* stat = rule(*op)) {
        ctx_.AddStatistic(stat);
        changed = true;
      }
    });
    return changed;
  }

  PassContext& ctx_;
};

}  // namespace

PassResult SinkTransposesPass::run(ir::Graph& graph, PassContext& ctx) {
  return PassResult::ChangedIf(TransposeSinker(ctx).Run(graph));
}

}  // namespace kiln
