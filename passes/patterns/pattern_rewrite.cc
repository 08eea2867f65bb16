#include "passes/patterns/pattern_rewrite.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

#include "passes/match.h"

namespace kiln {
namespace {

bool Contains(const std::vector<ir::Op*>& ops, const ir::Op* op) {
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

}  // namespace

ir::Op* ProducerIn(const ir::Value* value, ir::OpKind kind, const ir::Graph& graph) {
  ir::Op* op = ProducerOf(value, kind);
  return op != nullptr && op->graph() == &graph ? op : nullptr;
}

bool IsScalarNear(const ir::Value* value, double want, const ir::Value* x) {
  if (x == nullptr) return false;
  std::optional<double> c = ScalarConstant(value);
  if (!c || !std::isfinite(*c)) return false;
  if (want == 0 ? *c != 0 : std::abs(*c - want) > 1e-6 * std::abs(want)) return false;
  const ir::Shape& xs = x->type()->shape();
  const ir::Shape& cs = value->type()->shape();
  return xs.is_ranked() ? cs.rank() <= xs.rank() : cs.rank() == 0;
}

ir::Value* OtherOperand(const ir::Op& op, const ir::Value* v) {
  if (op.num_operands() != 2) return nullptr;
  if (op.operand(0) == v) return op.operand(1);
  if (op.operand(1) == v) return op.operand(0);
  return nullptr;
}

double ShortestDouble(float f) {
  char buf[64];
  std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), f);
  double d = f;
  if (r.ec == std::errc()) std::from_chars(buf, r.ptr, d);
  return static_cast<float>(d) == f ? d : static_cast<double>(f);
}

int PatternRewriter::Run(ir::Graph& graph, const std::function<void(ir::Op*)>& try_rewrite) {
  Walk(graph, try_rewrite);
  EraseReplaced();
  const int n = replacements_;
  replaced_.clear();
  matches_.clear();
  constants_read_.clear();
  replacements_ = 0;
  return n;
}

void PatternRewriter::Walk(ir::Graph& graph, const std::function<void(ir::Op*)>& try_rewrite) {
  // A snapshot: Replace inserts ops (never visited) and erasure waits until the end.
  for (ir::Op* op : graph.OpList()) {
    for (int r = 0; r < op->num_regions(); ++r) Walk(op->region(r), try_rewrite);
    if (!replaced_.contains(op)) try_rewrite(op);
  }
}

bool PatternRewriter::IsSelfContained(const std::vector<ir::Op*>& ops) const {
  if (ops.empty()) return false;
  const ir::Op* last = ops.back();
  for (size_t i = 0; i < ops.size(); ++i) {
    const ir::Op* op = ops[i];
    if (op->graph() != last->graph() || replaced_.contains(op) || op->num_regions() > 0 ||
        std::find(ops.begin(), ops.begin() + i, op) != ops.begin() + i) {
      return false;
    }
    for (int r = 0; r < op->num_results(); ++r) {
      const ir::Value* v = op->result(r);
      if (v == nullptr || !IsPlainF32(v->type())) return false;
      if (op == last && r == 0) continue;
      // Fails at the first outside use, so a value with many users costs little.
      for (const ir::Use& use : v->uses()) {
        if (use.is_graph_output() || !Contains(ops, use.op)) return false;
      }
    }
  }
  return true;
}

ir::Op* PatternRewriter::Replace(const std::vector<ir::Op*>& ops, ir::OpKind kind,
                                 std::vector<ir::Value*> operands, ir::AttrMap attrs) {
  if (ops.empty()) return nullptr;
  ir::Op* last = ops.back();
  ir::Graph& graph = *last->graph();
  for (ir::Value* v : operands) {
    if (v == nullptr || !IsPlainF32(v->type())) return nullptr;
  }
  if (!IsSelfContained(ops)) return nullptr;
  ir::Value* old = last->result(0);
  const ir::TensorType* type = old->type();
  if (!type->shape().is_ranked()) type = operands[0]->type();
  ir::Op* op = graph.CreateOp(kind, std::move(operands), {type}, std::move(attrs), last);
  op->set_name(last->name());
  op->result(0)->set_name(old->name());
  old->set_name("");
  old->ReplaceAllUsesWith(op->result(0));
  for (ir::Op* matched : ops) {
    replaced_.insert(matched);
    for (ir::Value* v : matched->operands()) {
      if (v != nullptr && v->is_constant()) constants_read_.push_back(v);
    }
  }
  matches_.push_back(ops);
  ++replacements_;
  return op;
}

void PatternRewriter::EraseReplaced() {
  // Last match first, each from its last op: users go before what they use.
  std::vector<ir::Op*> left;
  for (auto m = matches_.rbegin(); m != matches_.rend(); ++m)
    left.insert(left.end(), m->rbegin(), m->rend());
  while (!left.empty()) {
    std::vector<ir::Op*> still_used;
    for (ir::Op* op : left) {
      if (op->has_result_uses()) {
        still_used.push_back(op);
      } else {
        op->graph()->EraseOp(op);
      }
    }
    if (still_used.size() == left.size()) break;  // cannot happen for self-contained matches
    left = std::move(still_used);
  }
  std::unordered_set<ir::Value*> seen;
  for (ir::Value* c : constants_read_) {
    if (seen.insert(c).second && !c->has_uses()) c->graph()->EraseConstant(c);
  }
}

}  // namespace kiln
