#include "passes/fusion/fuse_conv_bias.h"

#include <optional>
#include <string>
#include <vector>

#include "passes/fusion/fusion_rewrite.h"
#include "passes/match.h"
#include "passes/pass_context.h"

namespace kiln {
namespace {

std::string Hint(const ir::Value* bias, const ir::Value* addend) {
  std::string_view base = ConstantName(bias);
  if (base.empty()) base = ConstantName(addend);
  return std::string(base.empty() ? "bias" : base) + ".fused";
}

// conv(x, w, b) + d  =>  conv(x, w, b + d), d per output channel.
bool FuseIntoConv(ir::Op& conv, ir::Value* addend) {
  const ir::Shape& y = conv.result(0)->type()->shape();
  std::optional<int64_t> channels = ConvOutputChannels(conv);
  if (!y.is_ranked() || y.rank() < 3 || !channels) return false;
  std::optional<std::vector<float>> d = ValuesAlongAxis(addend, y.rank(), 1, *channels);
  if (!d) return false;
  ir::Value* old = conv.num_operands() > 2 ? conv.operand(2) : nullptr;
  std::vector<float> bias(*channels, 0.0f);
  if (old != nullptr) {
    std::optional<std::vector<int64_t>> sizes = StaticSizes(old->type());
    std::optional<std::vector<float>> b = FloatConstant(old);
    if (!b || !sizes || *sizes != std::vector<int64_t>{*channels}) return false;
    bias = std::move(*b);
  }
  for (int64_t c = 0; c < *channels; ++c) {
    bias[c] = static_cast<float>(static_cast<double>(bias[c]) + (*d)[c]);
  }
  ir::Value* b2 = AddNamedFloatConstant(*conv.graph(), {*channels}, bias, Hint(old, addend));
  conv.SetOperands({conv.operand(0), conv.operand(1), b2});
  return true;
}

// gemm(a, b, c) + d  =>  gemm(a, b, beta * c + d) {beta = 1}, d of shape [N] or [1, N].
bool FuseIntoGemm(ir::Op& gemm, ir::Value* addend) {
  const ir::Shape& y = gemm.result(0)->type()->shape();
  const ir::Shape& b = gemm.operand(1)->type()->shape();
  if (!y.is_ranked() || y.rank() != 2 || !b.is_ranked() || b.rank() != 2) return false;
  const bool trans_b = gemm.attrs().GetInt("trans_b", 0) != 0;
  const ir::Dim& n = b.dim(trans_b ? 0 : 1);
  if (!n.is_static()) return false;
  std::optional<std::vector<float>> d = ValuesAlongAxis(addend, 2, 1, n.size());
  if (!d) return false;
  std::optional<GemmBias> c = FoldIntoGemmBias(gemm, std::vector<double>(n.size(), 1.0),
                                               std::vector<double>(d->begin(), d->end()));
  if (!c) return false;
  SetGemmBias(gemm, *c, Hint(gemm.num_operands() > 2 ? gemm.operand(2) : nullptr, addend));
  return true;
}

bool Fuse(ir::Op& add) {
  if (add.num_operands() != 2 || !IsPlainF32(add.result(0)->type())) return false;
  for (int side = 0; side < 2; ++side) {
    ir::Value* v = add.operand(side);
    ir::Value* addend = add.operand(1 - side);
    ir::Op* p = v ? v->producer() : nullptr;
    if (p == nullptr || addend == nullptr || !addend->is_constant()) continue;
    if (p->graph() != add.graph() || !HasOneUse(v) || !CanFuseInto(*p)) continue;
    if (p->num_operands() < 2 || p->operand(0) == nullptr || p->operand(1) == nullptr) continue;
    bool fused = false;
    if (p->kind() == ir::OpKind::kConv || p->kind() == ir::OpKind::kConvTranspose) {
      fused = FuseIntoConv(*p, addend);
    } else if (p->kind() == ir::OpKind::kGemm) {
      fused = FuseIntoGemm(*p, addend);
    }
    if (fused) {
      TakeOverResult(p->result(0), add.result(0));
      return true;
    }
  }
  return false;
}

}  // namespace

PassResult FuseConvBiasPass::run(ir::Graph& graph, PassContext& ctx) {
  int fused = 0;
  ForEachOp(graph, [&](ir::Op* add) {
    if (add->kind() != ir::OpKind::kAdd || !Fuse(*add)) return;
    add->graph()->EraseOp(add);
    ++fused;
  });
  if (fused) ctx.AddStatistic("biases-fused", fused);
  return PassResult::ChangedIf(fused);
}

}  // namespace kiln
