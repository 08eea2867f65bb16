#include "passes/patterns/recognize_layernorm.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "passes/match.h"
#include "passes/pass_context.h"
#include "passes/patterns/pattern_rewrite.h"

namespace kiln {
namespace {

using ir::OpKind;

// The first normalized axis A when `reduce` averages exactly the trailing axes A..rank-1
// of its rank-`rank` operand and keeps the reduced dims.
std::optional<int> TrailingAxis(const ir::Op& reduce, int rank) {
  if (reduce.attrs().GetInt("keepdims", 1) != 1) return std::nullopt;
  std::vector<int64_t> axes;
  if (const ir::AttrValue* a = reduce.attrs().Find("axes")) {
    const auto* list = std::get_if<std::vector<int64_t>>(a);
    if (list == nullptr) return std::nullopt;
    axes = *list;
  }
  if (axes.empty()) {  // every axis, unless the op is told to do nothing
    if (reduce.attrs().GetInt("noop_with_empty_axes", 0) != 0) return std::nullopt;
    return 0;
  }
  for (int64_t& a : axes) {
    if (a < -rank || a >= rank) return std::nullopt;
    if (a < 0) a += rank;
  }
  std::sort(axes.begin(), axes.end());
  const int n = static_cast<int>(axes.size());
  for (int i = 0; i < n; ++i) {
    if (axes[i] != rank - n + i) return std::nullopt;  // also rejects duplicates
  }
  return rank - n;
}

// The values of gamma or beta broadcast to the normalized sizes `norm` (the last dims of a
// rank-`rank` x), when `c` is an f32 constant that varies along those dims only.
std::optional<std::vector<float>> NormalizedValues(const ir::Value* c, int rank,
                                                   const std::vector<int64_t>& norm) {
  if (c == nullptr || !c->is_constant() || !c->type()->shape().is_static()) return std::nullopt;
  std::optional<std::vector<float>> values = FloatConstant(c);
  const std::vector<int64_t> sizes = c->type()->shape().static_sizes();
  const int rc = static_cast<int>(sizes.size());
  const int k = static_cast<int>(norm.size());
  if (!values || rc > rank) return std::nullopt;
  std::vector<int64_t> stride(k, 0);
  int64_t s = 1;
  for (int i = rc - 1; i >= 0; --i) {
    const int j = k - rc + i;  // the normalized dim c's dim i lines up with (< 0: an outer one)
    if (sizes[i] != 1) {
      if (j < 0 || sizes[i] != norm[j]) return std::nullopt;
      stride[j] = s;
    }
    s *= sizes[i];
  }
  int64_t total = 1;
  for (int64_t n : norm) total *= n;
  std::vector<float> out(total);
  std::vector<int64_t> index(k, 0);
  for (int64_t e = 0; e < total; ++e) {
    int64_t offset = 0;
    for (int j = 0; j < k; ++j) offset += index[j] * stride[j];
    out[e] = (*values)[offset];
    for (int j = k - 1; j >= 0 && ++index[j] == norm[j]; --j) index[j] = 0;
  }
  return out;
}

struct LayerNormMatch {
  ir::Value* x = nullptr;
  int axis = 0;
  float epsilon = 0;
  std::vector<int64_t> norm;  // x's normalized sizes
  std::vector<ir::Op*> ops;
};

// (x - mean) / sqrt(var + eps), ending at `op` (a div, or a mul by a reciprocal).
std::optional<LayerNormMatch> MatchNormalization(ir::Op* op) {
  const ir::Graph& g = *op->graph();
  LayerNormMatch m;
  ir::Value* d = nullptr;
  ir::Value* s = nullptr;
  ir::Op* reciprocal = nullptr;
  if (op->kind() == OpKind::kDiv) {
    d = op->operand(0);
    s = op->operand(1);
  } else if (op->kind() == OpKind::kMul) {
    for (int i = 0; i < 2 && reciprocal == nullptr; ++i) {
      reciprocal = ProducerIn(op->operand(1 - i), OpKind::kReciprocal, g);
      if (reciprocal != nullptr) {
        d = op->operand(i);
        s = reciprocal->operand(0);
      }
    }
  }
  ir::Op* sub = ProducerIn(d, OpKind::kSub, g);
  ir::Op* sqrt = ProducerIn(s, OpKind::kSqrt, g);
  if (sub == nullptr || sqrt == nullptr) return std::nullopt;
  ir::Op* mean = ProducerIn(sub->operand(1), OpKind::kReduceMean, g);
  m.x = sub->operand(0);
  if (mean == nullptr || mean->operand(0) != m.x) return std::nullopt;
  const ir::Shape& shape = m.x->type()->shape();
  if (!shape.is_ranked() || shape.rank() < 1) return std::nullopt;
  const int rank = shape.rank();
  std::optional<int> axis = TrailingAxis(*mean, rank);
  if (!axis) return std::nullopt;
  m.axis = *axis;
  for (int i = m.axis; i < rank; ++i) {
    if (!shape.dim(i).is_static()) return std::nullopt;
    m.norm.push_back(shape.dim(i).size());
  }

  ir::Op* add = ProducerIn(sqrt->operand(0), OpKind::kAdd, g);
  if (add == nullptr) return std::nullopt;
  for (int i = 0; i < 2; ++i) {
    ir::Op* var = ProducerIn(add->operand(i), OpKind::kReduceMean, g);
    ir::Value* eps = add->operand(1 - i);
    std::optional<double> e = ScalarConstant(eps);
    if (var == nullptr || !e || !(*e >= 0) || !IsScalarNear(eps, *e, m.x) ||
        TrailingAxis(*var, rank) != m.axis) {
      continue;
    }
    ir::Value* p = var->operand(0);
    ir::Op* square = ProducerIn(p, OpKind::kPow, g);
    if (square != nullptr) {
      if (square->operand(0) != d || !IsScalarNear(square->operand(1), 2.0, m.x)) continue;
    } else {
      square = ProducerIn(p, OpKind::kMul, g);
      if (square == nullptr || square->operand(0) != d || square->operand(1) != d) continue;
    }
    m.epsilon = static_cast<float>(*e);
    m.ops = {mean, sub, square, var, add, sqrt};
    if (reciprocal != nullptr) m.ops.push_back(reciprocal);
    m.ops.push_back(op);
    return m;
  }
  return std::nullopt;
}

// The op of `kind` that is the only user of `v`, in v's graph, with `v` and a constant as
// operands; also that constant.
ir::Op* AffineUser(ir::Value* v, OpKind kind, ir::Value*& constant) {
  if (!HasOneUse(v)) return nullptr;
  ir::Op* user = v->uses()[0].op;
  if (user->kind() != kind || user->graph() != v->producer()->graph()) return nullptr;
  constant = OtherOperand(*user, v);
  return constant != nullptr && constant != v && constant->is_constant() ? user : nullptr;
}

class LayerNormRewriter {
 public:
  explicit LayerNormRewriter(PatternRewriter& rewriter) : rewriter_(rewriter) {}

  void TryRewrite(ir::Op* op) {
    if ((op->kind() != OpKind::kDiv && op->kind() != OpKind::kMul) || op->num_operands() != 2) {
      return;
    }
    std::optional<LayerNormMatch> m = MatchNormalization(op);
    if (!m) return;
    const int rank = m->x->type()->rank();
    // Extend the match forward over the affine part: n * gamma, then + beta.
    ir::Value* y = op->result(0);
    ir::Value* c = nullptr;
    ir::Value* gamma = nullptr;
    ir::Value* beta = nullptr;
    std::optional<std::vector<float>> gamma_values, beta_values;
    if (ir::Op* mul = AffineUser(y, OpKind::kMul, c)) {
      if ((gamma_values = NormalizedValues(c, rank, m->norm))) {
        gamma = c;
        m->ops.push_back(mul);
        y = mul->result(0);
      }
    }
    if (ir::Op* add = AffineUser(y, OpKind::kAdd, c)) {
      if ((beta_values = NormalizedValues(c, rank, m->norm))) {
        beta = c;
        m->ops.push_back(add);
      }
    }
    if (!rewriter_.IsSelfContained(m->ops) || m->x->type()->scalar() != ir::ScalarType::kF32 ||
        m->x->type()->is_quantized()) {
      return;
    }
    ir::Graph& graph = *op->graph();
    const std::string base =
        m->ops.back()->result(0)->name().empty() ? "layer_norm" : m->ops.back()->result(0)->name();
    if (!gamma_values) gamma_values = std::vector<float>(Count(m->norm), 1.0f);
    std::vector<ir::Value*> operands = {
        m->x, Normalized(graph, gamma, *gamma_values, m->norm, base + ".ln_scale")};
    if (beta != nullptr) {
      operands.push_back(Normalized(graph, beta, *beta_values, m->norm, base + ".ln_bias"));
    }
    ir::AttrMap attrs;
    attrs.Set("axis", static_cast<int64_t>(m->axis));
    attrs.Set("epsilon", ShortestDouble(m->epsilon));
    if (rewriter_.Replace(m->ops, OpKind::kLayerNorm, std::move(operands), std::move(attrs))) {
      ++recognized;
    }
  }

  int recognized = 0;

 private:
  static int64_t Count(const std::vector<int64_t>& sizes) {
    int64_t n = 1;
    for (int64_t s : sizes) n *= s;
    return n;
  }

  // `c` when it already has the normalized shape, else a new constant of `values`.
  static ir::Value* Normalized(ir::Graph& graph, ir::Value* c, const std::vector<float>& values,
                               const std::vector<int64_t>& norm, const std::string& hint) {
    if (c != nullptr && c->type()->shape() == ir::Shape::Static(norm)) return c;
    std::string name = hint;
    if (c != nullptr && c->constant() != nullptr) name = c->constant()->name + ".normalized";
    ir::Value* v = AddFloatConstant(graph, norm, values, name);
    v->set_name(v->constant()->name);
    return v;
  }

  PatternRewriter& rewriter_;
};

}  // namespace

PassResult RecognizeLayerNormPass::run(ir::Graph& graph, PassContext& ctx) {
  PatternRewriter rewriter;
  LayerNormRewriter layernorm(rewriter);
  rewriter.Run(graph, [&](ir::Op* op) { layernorm.TryRewrite(op); });
  if (layernorm.recognized) ctx.AddStatistic("layernorms-recognized", layernorm.recognized);
  return PassResult::ChangedIf(layernorm.recognized > 0);
}

}  // namespace kiln
