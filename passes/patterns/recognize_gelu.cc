#include "passes/patterns/recognize_gelu.h"

#include <cmath>
#include <numbers>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "passes/pass_context.h"
#include "passes/patterns/pattern_rewrite.h"

namespace kiln {
namespace {

using ir::OpKind;

// What 1 + erf(...) or 1 + tanh(...) is computed from.
struct OnePlusInner {
  ir::Value* x = nullptr;
  bool tanh = false;
};

class GeluMatcher {
 public:
  GeluMatcher(const ir::Graph& graph, std::vector<ir::Op*>& ops) : g_(graph), ops_(ops) {}

  // x when `v` is x / sqrt(2) or x * (1 / sqrt(2)).
  ir::Value* ErfArgument(const ir::Value* v) {
    if (ir::Op* div = ProducerIn(v, OpKind::kDiv, g_)) {
      ir::Value* x = div->operand(0);
      if (!IsScalarNear(div->operand(1), std::numbers::sqrt2, x)) return nullptr;
      return Take(div, x);
    }
    ir::Op* mul = ProducerIn(v, OpKind::kMul, g_);
    if (mul == nullptr) return nullptr;
    for (int i = 0; i < 2; ++i) {
      ir::Value* x = mul->operand(i);
      if (IsScalarNear(mul->operand(1 - i), 1.0 / std::numbers::sqrt2, x)) return Take(mul, x);
    }
    return nullptr;
  }

  // x when `v` is pow(x, 3), x * (x * x) or (x * x) * x.
  ir::Value* CubeOf(const ir::Value* v) {
    if (ir::Op* pow = ProducerIn(v, OpKind::kPow, g_)) {
      ir::Value* x = pow->operand(0);
      return IsScalarNear(pow->operand(1), 3.0, x) ? Take(pow, x) : nullptr;
    }
    ir::Op* mul = ProducerIn(v, OpKind::kMul, g_);
    if (mul == nullptr) return nullptr;
    for (int i = 0; i < 2; ++i) {
      ir::Value* x = mul->operand(i);
      ir::Op* square = ProducerIn(mul->operand(1 - i), OpKind::kMul, g_);
      if (square != nullptr && square->operand(0) == x && square->operand(1) == x) {
        Take(square, x);
        return Take(mul, x);
      }
    }
    return nullptr;
  }

  // x when `v` is sqrt(2/pi) * (x + 0.044715 * x^3).
  ir::Value* TanhArgument(const ir::Value* v) {
    static const double kSqrt2OverPi = std::sqrt(2.0 / std::numbers::pi);
    ir::Op* scale = ProducerIn(v, OpKind::kMul, g_);
    if (scale == nullptr) return nullptr;
    for (int i = 0; i < 2; ++i) {
      ir::Op* sum = ProducerIn(scale->operand(i), OpKind::kAdd, g_);
      if (sum == nullptr) continue;
      for (int j = 0; j < 2; ++j) {
        ir::Value* x = sum->operand(j);
        if (!IsScalarNear(scale->operand(1 - i), kSqrt2OverPi, x)) continue;
        ir::Op* cubic = ProducerIn(sum->operand(1 - j), OpKind::kMul, g_);
        if (cubic == nullptr) continue;
        for (int k = 0; k < 2; ++k) {
          if (!IsScalarNear(cubic->operand(1 - k), 0.044715, x)) continue;
          const size_t mark = ops_.size();
          if (CubeOf(cubic->operand(k)) == x) {
            Take(cubic, x);
            Take(sum, x);
            return Take(scale, x);
          }
          ops_.resize(mark);
        }
      }
    }
    return nullptr;
  }

  // 1 + erf(x / sqrt(2)) or 1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)).
  std::optional<OnePlusInner> OnePlus(const ir::Value* v) {
    ir::Op* add = ProducerIn(v, OpKind::kAdd, g_);
    if (add == nullptr) return std::nullopt;
    for (int i = 0; i < 2; ++i) {
      const size_t mark = ops_.size();
      OnePlusInner r;
      if (ir::Op* erf = ProducerIn(add->operand(i), OpKind::kErf, g_)) {
        r.x = ErfArgument(erf->operand(0));
        Take(erf, r.x);
      } else if (ir::Op* tanh = ProducerIn(add->operand(i), OpKind::kTanh, g_)) {
        r.x = TanhArgument(tanh->operand(0));
        r.tanh = true;
        Take(tanh, r.x);
      }
      if (r.x != nullptr && IsScalarNear(add->operand(1 - i), 1.0, r.x)) {
        Take(add, r.x);
        return r;
      }
      ops_.resize(mark);
    }
    return std::nullopt;
  }

 private:
  // Appends `op` to the match and passes `x` through (nothing when x is null).
  ir::Value* Take(ir::Op* op, ir::Value* x) {
    if (x != nullptr) ops_.push_back(op);
    return x;
  }

  const ir::Graph& g_;
  std::vector<ir::Op*>& ops_;
};

// `last` = mul(a, b) where {a, b} regroups to {x, 0.5, 1 + inner(x)}.
bool TryRewrite(ir::Op* last, PatternRewriter& rewriter) {
  if (last->kind() != OpKind::kMul || last->num_operands() != 2) return false;
  std::vector<ir::Op*> ops;
  GeluMatcher m(*last->graph(), ops);
  for (int i = 0; i < 2; ++i) {
    ir::Op* inner = ProducerIn(last->operand(i), OpKind::kMul, *last->graph());
    if (inner == nullptr || inner->num_operands() != 2) continue;
    ir::Value* factors[3] = {inner->operand(0), inner->operand(1), last->operand(1 - i)};
    for (int f = 0; f < 3; ++f) {
      ops.clear();
      std::optional<OnePlusInner> core = m.OnePlus(factors[f]);
      if (!core) continue;
      ir::Value* a = factors[(f + 1) % 3];
      ir::Value* b = factors[(f + 2) % 3];
      const bool rest_ok =
          (a == core->x && IsScalarNear(b, 0.5, a)) || (b == core->x && IsScalarNear(a, 0.5, b));
      if (!rest_ok) continue;
      ops.push_back(inner);
      ops.push_back(last);
      ir::AttrMap attrs;
      if (core->tanh) attrs.Set("approximate", std::string("tanh"));
      if (rewriter.Replace(ops, OpKind::kGelu, {core->x}, std::move(attrs))) return true;
    }
  }
  return false;
}

}  // namespace

PassResult RecognizeGeluPass::run(ir::Graph& graph, PassContext& ctx) {
  PatternRewriter rewriter;
  const int n = rewriter.Run(graph, [&](ir::Op* op) { TryRewrite(op, rewriter); });
  if (n) ctx.AddStatistic("gelus-recognized", n);
  return PassResult::ChangedIf(n > 0);
}

}  // namespace kiln
