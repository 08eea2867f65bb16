#include "passes/fusion/fold_batchnorm.h"

#include <cmath>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "passes/fusion/fusion_rewrite.h"
#include "passes/match.h"
#include "passes/pass_context.h"

namespace kiln {
namespace {

// y = x * scale[c] + shift[c], the batch_norm as an affine map per channel.
struct ChannelAffine {
  std::vector<double> scale;
  std::vector<double> shift;
  int64_t channels() const { return static_cast<int64_t>(scale.size()); }
};

std::optional<std::vector<float>> ChannelConstant(const ir::Value* v) {
  if (v == nullptr) return std::nullopt;
  std::optional<std::vector<int64_t>> sizes = StaticSizes(v->type());
  if (!sizes || sizes->size() != 1) return std::nullopt;
  return FloatConstant(v);
}

std::optional<ChannelAffine> InferenceAffine(const ir::Op& bn) {
  if (bn.num_operands() != 5 || bn.operand(0) == nullptr) return std::nullopt;
  if (const ir::AttrValue* t = bn.attrs().Find("training_mode")) {
    const int64_t* mode = std::get_if<int64_t>(t);
    if (mode == nullptr || *mode != 0) return std::nullopt;
  }
  for (int i = 1; i < bn.num_results(); ++i) {
    if (bn.result(i)->has_uses()) return std::nullopt;
  }
  if (!IsPlainF32(bn.operand(0)->type()) || !IsPlainF32(bn.result(0)->type())) {
    return std::nullopt;
  }
  std::optional<std::vector<float>> p[4];
  for (int i = 0; i < 4; ++i) {
    p[i] = ChannelConstant(bn.operand(i + 1));
    if (!p[i] || p[i]->size() != p[0]->size()) return std::nullopt;
  }
  const std::vector<float>& scale = *p[0];
  const std::vector<float>& bias = *p[1];
  const std::vector<float>& mean = *p[2];
  const std::vector<float>& var = *p[3];
  // ONNX's epsilon is a float attribute; the runtimes add it as one.
  const double epsilon = static_cast<float>(bn.attrs().GetFloat("epsilon", 1e-5));
  ChannelAffine a;
  a.scale.resize(scale.size());
  a.shift.resize(scale.size());
  for (size_t c = 0; c < scale.size(); ++c) {
    const double denom = static_cast<double>(var[c]) + epsilon;
    if (!(denom > 0)) return std::nullopt;  // the original divides by zero or takes a NaN root
    a.scale[c] = scale[c] / std::sqrt(denom);
    a.shift[c] = bias[c] - mean[c] * a.scale[c];
    if (!std::isfinite(a.scale[c]) || !std::isfinite(a.shift[c])) return std::nullopt;
  }
  return a;
}

std::string Hint(const ir::Value* v, std::string_view fallback, std::string_view suffix) {
  std::string_view base = ConstantName(v);
  return std::string(base.empty() ? fallback : base) + std::string(suffix);
}

// The conv's bias (zeros when absent), or nullopt when it is not an f32 constant [channels].
std::optional<std::vector<float>> ConvBias(const ir::Op& conv, int64_t channels) {
  ir::Value* b = conv.num_operands() > 2 ? conv.operand(2) : nullptr;
  if (b == nullptr) return std::vector<float>(channels, 0.0f);
  std::optional<std::vector<float>> bias = ChannelConstant(b);
  if (!bias || static_cast<int64_t>(bias->size()) != channels) return std::nullopt;
  return bias;
}

// conv weight [O, I/g, k...]: row o scales by s[o]. conv_transpose weight [I, O/g, k...]:
// input channel c belongs to group c / (I/g), and its column j feeds output g * O/g + j.
bool FoldIntoConv(ir::Op& conv, const ChannelAffine& a, const ir::Op& bn) {
  ir::Value* w_value = conv.operand(1);
  std::optional<std::vector<int64_t>> sizes = StaticSizes(w_value->type());
  std::optional<std::vector<float>> w = FloatConstant(w_value);
  if (!sizes || !w || sizes->size() < 3) return false;
  const int64_t channels = a.channels();
  std::vector<float> new_w(w->size());
  if (conv.kind() == ir::OpKind::kConv) {
    if ((*sizes)[0] != channels) return false;
    const int64_t inner = channels == 0 ? 0 : static_cast<int64_t>(w->size()) / channels;
    for (int64_t o = 0; o < channels; ++o) {
      for (int64_t k = 0; k < inner; ++k) {
        new_w[o * inner + k] = static_cast<float>((*w)[o * inner + k] * a.scale[o]);
      }
    }
  } else {
    const int64_t group = conv.attrs().GetInt("group", 1);
    const int64_t in = (*sizes)[0], per_group = (*sizes)[1];
    if (group < 1 || in % group != 0 || per_group * group != channels) return false;
    const int64_t in_per_group = in / group;
    const int64_t inner =
        in * per_group == 0 ? 0 : static_cast<int64_t>(w->size()) / (in * per_group);
    for (int64_t c = 0; c < in; ++c) {
      for (int64_t j = 0; j < per_group; ++j) {
        const double s = a.scale[(c / in_per_group) * per_group + j];
        const int64_t base = (c * per_group + j) * inner;
        for (int64_t k = 0; k < inner; ++k) {
          new_w[base + k] = static_cast<float>((*w)[base + k] * s);
        }
      }
    }
  }
  std::optional<std::vector<float>> bias = ConvBias(conv, channels);
  if (!bias) return false;
  std::vector<float> new_b(channels);
  for (int64_t o = 0; o < channels; ++o) {
    new_b[o] = static_cast<float>((*bias)[o] * a.scale[o] + a.shift[o]);
  }
  ir::Graph& g = *conv.graph();
  ir::Value* w2 = AddNamedFloatConstant(g, *sizes, new_w, Hint(w_value, "weight", ".bn_folded"));
  ir::Value* old_b = conv.num_operands() > 2 ? conv.operand(2) : nullptr;
  ir::Value* b2 = AddNamedFloatConstant(g, {channels}, new_b,
                                        Hint(old_b ? old_b : bn.operand(2), "bias", ".bn_folded"));
  conv.SetOperands({conv.operand(0), w2, b2});
  return true;
}

// Gemm result [M, N], channel dim 1 is n: B's column n scales by s[n] (B is [K, N], or
// [N, K] with trans_b), and C becomes s * beta * C + t.
bool FoldIntoGemm(ir::Op& gemm, const ChannelAffine& a, const ir::Op& bn) {
  ir::Value* b_value = gemm.operand(1);
  std::optional<std::vector<int64_t>> sizes = StaticSizes(b_value->type());
  std::optional<std::vector<float>> b = FloatConstant(b_value);
  if (!sizes || !b || sizes->size() != 2) return false;
  const bool trans_b = gemm.attrs().GetInt("trans_b", 0) != 0;
  const int64_t n = trans_b ? (*sizes)[0] : (*sizes)[1];
  const int64_t k = trans_b ? (*sizes)[1] : (*sizes)[0];
  if (n != a.channels()) return false;
  std::optional<GemmBias> c = FoldIntoGemmBias(gemm, a.scale, a.shift);
  if (!c) return false;
  std::vector<float> new_b(b->size());
  for (int64_t i = 0; i < k; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      const int64_t at = trans_b ? j * k + i : i * n + j;
      new_b[at] = static_cast<float>((*b)[at] * a.scale[j]);
    }
  }
  ir::Value* c_value = gemm.num_operands() > 2 ? gemm.operand(2) : nullptr;
  gemm.SetOperand(1, AddNamedFloatConstant(*gemm.graph(), *sizes, new_b,
                                           Hint(b_value, "weight", ".bn_folded")));
  SetGemmBias(gemm, *c, Hint(c_value ? c_value : bn.operand(2), "bias", ".bn_folded"));
  return true;
}

// The producer of bn's input, when the batch_norm can fold into it.
ir::Op* FoldableProducer(const ir::Op& bn) {
  ir::Value* x = bn.operand(0);
  ir::Op* p = x->producer();
  if (p == nullptr || p->graph() != bn.graph() || !HasOneUse(x) || !CanFuseInto(*p)) {
    return nullptr;
  }
  const bool kind_ok = p->kind() == ir::OpKind::kConv || p->kind() == ir::OpKind::kConvTranspose ||
                       p->kind() == ir::OpKind::kGemm;
  if (!kind_ok || p->num_operands() < 2 || p->operand(0) == nullptr || p->operand(1) == nullptr) {
    return nullptr;
  }
  return p;
}

// mul(x, s) then add(., t), constants [C, 1, ..., 1] of rank(x) - 1.
bool Decompose(ir::Op& bn, const ChannelAffine& a) {
  ir::Value* x = bn.operand(0);
  const ir::Shape& shape = x->type()->shape();
  if (!shape.is_ranked() || shape.rank() < 2) return false;
  if (shape.dim(1).is_static() && shape.dim(1).size() != a.channels()) return false;
  std::vector<int64_t> sizes(shape.rank() - 1, 1);
  sizes[0] = a.channels();
  std::vector<float> scale(a.scale.begin(), a.scale.end());
  std::vector<float> shift(a.shift.begin(), a.shift.end());
  ir::Graph& g = *bn.graph();
  ir::Value* s = AddNamedFloatConstant(g, sizes, scale, Hint(bn.operand(1), "scale", ".bn_scale"));
  ir::Value* t = AddNamedFloatConstant(g, sizes, shift, Hint(bn.operand(2), "shift", ".bn_shift"));
  const ir::TensorType* type = bn.result(0)->type();
  ir::Op* mul = g.CreateOp(ir::OpKind::kMul, {x, s}, {type}, {}, &bn);
  ir::Op* add = g.CreateOp(ir::OpKind::kAdd, {mul->result(0), t}, {type}, {}, &bn);
  mul->set_name(bn.name());
  add->set_name(bn.name());
  TakeOverResult(add->result(0), bn.result(0));
  return true;
}

}  // namespace

PassResult FoldBatchNormPass::run(ir::Graph& graph, PassContext& ctx) {
  int folded = 0, decomposed = 0;
  ForEachOp(graph, [&](ir::Op* bn) {
    if (bn->kind() != ir::OpKind::kBatchNorm) return;
    std::optional<ChannelAffine> a = InferenceAffine(*bn);
    if (!a) return;
    if (ir::Op* p = FoldableProducer(*bn)) {
      const bool ok =
          p->kind() == ir::OpKind::kGemm ? FoldIntoGemm(*p, *a, *bn) : FoldIntoConv(*p, *a, *bn);
      if (ok) {
        TakeOverResult(p->result(0), bn->result(0));
        bn->graph()->EraseOp(bn);
        ++folded;
        return;
      }
    }
    if (Decompose(*bn, *a)) {
      bn->graph()->EraseOp(bn);
      ++decomposed;
    }
  });
  if (folded) ctx.AddStatistic("batchnorms-folded", folded);
  if (decomposed) ctx.AddStatistic("batchnorms-decomposed", decomposed);
  return PassResult::ChangedIf(folded || decomposed);
}

}  // namespace kiln
