#include "passes/cleanup/eliminate_noops.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "passes/match.h"
#include "passes/pass_context.h"

namespace kiln {
namespace {

using ir::OpKind;

// A slice end at least this large reaches the end of any dim: no tensor has a dim this long
// (the runtimes cap a tensor at 2^34 bytes, so at 2^35 four-bit elements).
constexpr int64_t kEndOfAnyDim = int64_t{1} << 40;

// A value of type `from` can take the place of one of type `to`: same scalar type and
// quantization. Their shapes describe the same tensor, perhaps one more precisely.
bool SameElements(const ir::TensorType* from, const ir::TensorType* to) {
  return from == to || (from->scalar() == to->scalar() && from->quant() == to->quant());
}

// Ranked without unknown dims: two such shapes that compare equal are equal at run time
// (a symbolic dim stands for the same size wherever it appears).
bool IsCertain(const ir::Shape& shape) {
  return shape.is_ranked() && std::none_of(shape.dims().begin(), shape.dims().end(),
                                           [](const ir::Dim& d) { return d.is_unknown(); });
}

std::optional<int64_t> RankOf(const ir::Value* v) {
  if (v == nullptr || !v->type()->shape().is_ranked()) return std::nullopt;
  return v->type()->rank();
}

// `axes` made non-negative for `rank` and sorted; nullopt when one is out of range or repeated.
std::optional<std::vector<int64_t>> NormalizeAxes(std::vector<int64_t> axes, int64_t rank) {
  for (int64_t& a : axes) {
    if (a < -rank || a >= rank) return std::nullopt;
    if (a < 0) a += rank;
  }
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) return std::nullopt;
  return axes;
}

// The dims a squeeze without axes removes from `shape`: those of size 1. Certain only when
// every dim is static (a symbolic dim may be 1 at run time).
std::optional<std::vector<int64_t>> StaticOnes(const ir::Shape& shape) {
  if (!shape.is_ranked() || !shape.is_static()) return std::nullopt;
  std::vector<int64_t> ones;
  for (int i = 0; i < shape.rank(); ++i) {
    if (shape.dim(i).size() == 1) ones.push_back(i);
  }
  return ones;
}

// The axes a squeeze removes from an operand of `shape` (rank `rank`), normalized.
std::optional<std::vector<int64_t>> SqueezedAxes(const ir::Op& squeeze, const ir::Shape& shape,
                                                 int64_t rank) {
  std::vector<int64_t> axes = squeeze.attrs().GetInts("axes");
  if (axes.empty()) return StaticOnes(shape);  // no axes: every dim of size 1
  return NormalizeAxes(std::move(axes), rank);
}

// squeeze(unsqueeze(x, a), a) -> x. Without squeeze axes, x must have no dim that could be 1.
ir::Value* SqueezeOfUnsqueeze(const ir::Op& squeeze) {
  ir::Op* unsqueeze = ProducerOf(squeeze.operand(0), OpKind::kUnsqueeze);
  if (unsqueeze == nullptr) return nullptr;
  ir::Value* x = unsqueeze->operand(0);
  std::vector<int64_t> added = unsqueeze->attrs().GetInts("axes");
  std::optional<int64_t> rank = RankOf(squeeze.operand(0));
  if (!rank) {
    std::optional<int64_t> x_rank = RankOf(x);
    if (!x_rank) return nullptr;
    rank = *x_rank + static_cast<int64_t>(added.size());
  }
  std::optional<std::vector<int64_t>> a = NormalizeAxes(std::move(added), *rank);
  if (!a) return nullptr;
  std::vector<int64_t> b = squeeze.attrs().GetInts("axes");
  if (b.empty()) {
    std::optional<std::vector<int64_t>> x_ones = StaticOnes(x->type()->shape());
    if (!x_ones || !x_ones->empty() || x->type()->rank() + static_cast<int64_t>(a->size()) != *rank)
      return nullptr;
    return x;
  }
  std::optional<std::vector<int64_t>> removed = NormalizeAxes(std::move(b), *rank);
  return removed && *removed == *a ? x : nullptr;
}

// unsqueeze(squeeze(x, a), a) -> x.
ir::Value* UnsqueezeOfSqueeze(const ir::Op& unsqueeze) {
  ir::Op* squeeze = ProducerOf(unsqueeze.operand(0), OpKind::kSqueeze);
  if (squeeze == nullptr) return nullptr;
  ir::Value* x = squeeze->operand(0);
  std::optional<int64_t> rank = RankOf(x);
  if (!rank) return nullptr;
  std::optional<std::vector<int64_t>> removed = SqueezedAxes(*squeeze, x->type()->shape(), *rank);
  std::vector<int64_t> b = unsqueeze.attrs().GetInts("axes");
  if (!removed || removed->size() != b.size()) return nullptr;
  std::optional<std::vector<int64_t>> added = NormalizeAxes(std::move(b), *rank);
  return added && *added == *removed ? x : nullptr;
}

// The rank a transpose permutes: its perm's length, else its operand's or result's rank.
std::optional<int64_t> TransposeRank(const ir::Op& t) {
  if (t.attrs().Has("perm")) return static_cast<int64_t>(t.attrs().GetInts("perm").size());
  if (std::optional<int64_t> r = RankOf(t.operand(0))) return r;
  return RankOf(t.result(0));
}

// The perm of a transpose of rank `rank` (absent: the dims reversed); nullopt when it is not
// a permutation of that rank.
std::optional<std::vector<int64_t>> PermOf(const ir::Op& t, int64_t rank) {
  std::vector<int64_t> perm;
  if (t.attrs().Has("perm")) {
    perm = t.attrs().GetInts("perm");
  } else {
    for (int64_t i = rank - 1; i >= 0; --i) perm.push_back(i);
  }
  if (static_cast<int64_t>(perm.size()) != rank) return std::nullopt;
  std::vector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p]) return std::nullopt;
    seen[p] = true;
  }
  return perm;
}

bool IsIdentityPerm(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] != static_cast<int64_t>(i)) return false;
  }
  return true;
}

ir::Value* IdentityTranspose(const ir::Op& t) {
  std::optional<int64_t> rank = TransposeRank(t);
  if (!rank) return nullptr;
  std::optional<std::vector<int64_t>> perm = PermOf(t, *rank);
  return perm && IsIdentityPerm(*perm) ? t.operand(0) : nullptr;
}

// Dropout in inference: training_mode absent or a constant 0, and the mask unused.
ir::Value* InferenceDropout(const ir::Op& dropout) {
  if (dropout.num_operands() > 2 && dropout.operand(2) != nullptr) {
    std::optional<double> training = ScalarConstant(dropout.operand(2));
    if (!training || *training != 0) return nullptr;
  }
  if (dropout.num_results() > 1 && dropout.result(1)->has_uses()) return nullptr;
  return dropout.operand(0);
}

// Pads of zeros leave the tensor as it is, whatever the mode, constant value or axes.
ir::Value* ZeroPad(const ir::Op& pad) {
  std::optional<std::vector<int64_t>> pads = IntConstant(pad.operand(1));
  if (!pads || std::any_of(pads->begin(), pads->end(), [](int64_t p) { return p != 0; })) {
    return nullptr;
  }
  return pad.operand(0);
}

// A slice from 0 to the end with step 1 on every axis it names.
ir::Value* FullSlice(const ir::Op& slice) {
  const ir::Shape& shape = slice.operand(0)->type()->shape();
  if (!shape.is_ranked()) return nullptr;
  std::optional<std::vector<int64_t>> starts = IntConstant(slice.operand(1));
  std::optional<std::vector<int64_t>> ends = IntConstant(slice.operand(2));
  if (!starts || !ends || starts->size() != ends->size()) return nullptr;
  const size_t n = starts->size();
  std::vector<int64_t> axes;
  if (slice.num_operands() > 3 && slice.operand(3) != nullptr) {
    std::optional<std::vector<int64_t>> a = IntConstant(slice.operand(3));
    if (!a || a->size() != n) return nullptr;
    axes = std::move(*a);
  } else {
    for (size_t i = 0; i < n; ++i) axes.push_back(static_cast<int64_t>(i));
  }
  if (slice.num_operands() > 4 && slice.operand(4) != nullptr) {
    std::optional<std::vector<int64_t>> steps = IntConstant(slice.operand(4));
    if (!steps || steps->size() != n ||
        std::any_of(steps->begin(), steps->end(), [](int64_t s) { return s != 1; })) {
      return nullptr;
    }
  }
  const int64_t rank = shape.rank();
  for (size_t i = 0; i < n; ++i) {
    int64_t axis = axes[i];
    if (axis < -rank || axis >= rank) return nullptr;
    if (axis < 0) axis += rank;
    const ir::Dim& dim = shape.dim(static_cast<int>(axis));
    const int64_t start = (*starts)[i], end = (*ends)[i];
    const bool from_first = start == 0 || (dim.is_static() && start <= -dim.size());
    const bool to_last = end >= kEndOfAnyDim || (dim.is_static() && end >= dim.size());
    if (!from_first || !to_last) return nullptr;
  }
  return slice.operand(0);
}

// The operand whose value `op` computes unchanged, or null.
ir::Value* PassedThrough(const ir::Op& op) {
  if (op.num_operands() == 0 || op.operand(0) == nullptr || op.num_results() == 0) {
    return nullptr;
  }
  ir::Value* x = op.operand(0);
  const ir::TensorType* result = op.result(0)->type();
  switch (op.kind()) {
    case OpKind::kIdentity:
      return x;
    case OpKind::kDropout:
      return InferenceDropout(op);
    case OpKind::kCast:
      return result == x->type() ? x : nullptr;
    case OpKind::kReshape:
    case OpKind::kExpand:
      return result == x->type() && IsCertain(result->shape()) ? x : nullptr;
    case OpKind::kTranspose:
      return IdentityTranspose(op);
    case OpKind::kSqueeze:
      return SqueezeOfUnsqueeze(op);
    case OpKind::kUnsqueeze:
      return UnsqueezeOfSqueeze(op);
    case OpKind::kPad:
      return ZeroPad(op);
    case OpKind::kConcat:
      return op.num_operands() == 1 ? x : nullptr;
    case OpKind::kSlice:
      return FullSlice(op);
    default:
      return nullptr;
  }
}

// An inner op that can be looked through: present, with an operand of its result's scalar
// type and quantization.
bool MovesBytesOnly(const ir::Op* inner) {
  return inner != nullptr && inner->operand(0) != nullptr &&
         SameElements(inner->operand(0)->type(), inner->result(0)->type());
}

// transpose(transpose(x, p), q) -> transpose(x, p[q[i]]), rewriting the outer op in place.
bool MergeTransposes(ir::Op& outer) {
  ir::Op* inner = ProducerOf(outer.operand(0), OpKind::kTranspose);
  if (!MovesBytesOnly(inner)) return false;
  std::optional<int64_t> rank = TransposeRank(outer);
  if (!rank) rank = TransposeRank(*inner);
  if (!rank) return false;
  std::optional<std::vector<int64_t>> q = PermOf(outer, *rank);
  std::optional<std::vector<int64_t>> p = PermOf(*inner, *rank);
  if (!p || !q) return false;
  std::vector<int64_t> composed(*rank);
  for (int64_t i = 0; i < *rank; ++i) composed[i] = (*p)[(*q)[i]];
  outer.SetOperand(0, inner->operand(0));
  outer.attrs().Set("perm", composed);
  return true;
}

// reshape(reshape(x, s), t) -> reshape(x, t) when t is a constant without 0 (a 0 would copy a
// dim of the inner result).
bool MergeReshapes(ir::Op& outer) {
  ir::Op* inner = ProducerOf(outer.operand(0), OpKind::kReshape);
  if (!MovesBytesOnly(inner)) return false;
  std::optional<std::vector<int64_t>> target = IntConstant(outer.operand(1));
  if (!target || std::find(target->begin(), target->end(), 0) != target->end()) return false;
  outer.SetOperand(0, inner->operand(0));
  return true;
}

class NoOpEliminator {
 public:
  explicit NoOpEliminator(PassContext& ctx) : ctx_(ctx) {}

  // Program order, so a chain (transpose of transpose of transpose) collapses in one run.
  void Run(ir::Graph& graph) {
    for (ir::Op* op : graph.OpList()) {
      for (int r = 0; r < op->num_regions(); ++r) Run(op->region(r));
      Visit(*op);
    }
  }

  bool changed() const { return changed_; }

 private:
  void Visit(ir::Op& op) {
    // Loops: the inner op's own operand may be one more op to look through (when that inner
    // op could not be merged itself).
    while (op.kind() == OpKind::kTranspose && MergeTransposes(op)) Count("transposes-merged");
    while (op.kind() == OpKind::kReshape && op.num_operands() == 2 && MergeReshapes(op)) {
      Count("reshapes-merged");
    }
    ir::Value* x = PassedThrough(op);
    if (x == nullptr || !SameElements(x->type(), op.result(0)->type())) return;
    for (int i = 1; i < op.num_results(); ++i) {
      if (op.result(i)->has_uses()) return;
    }
    op.result(0)->ReplaceAllUsesWith(x);
    const std::string stat = std::string(op.kind_name()) + "-removed";
    op.graph()->EraseOp(&op);
    Count(stat);
  }

  void Count(std::string_view stat) {
    ctx_.AddStatistic(stat, 1);
    changed_ = true;
  }

  PassContext& ctx_;
  bool changed_ = false;
};

}  // namespace

PassResult EliminateNoOpsPass::run(ir::Graph& graph, PassContext& ctx) {
  NoOpEliminator eliminator(ctx);
  eliminator.Run(graph);
  return PassResult::ChangedIf(eliminator.changed());
}

}  // namespace kiln
