#include "passes/fusion/fusion_rewrite.h"

#include <cmath>
#include <string>

#include "ir/fused_activation.h"
#include "passes/match.h"

namespace kiln {

void ForEachOp(ir::Graph& graph, const std::function<void(ir::Op*)>& visit) {
  // A snapshot: `visit` erases ops, but only the one it is given and earlier ones.
  for (ir::Op* op : graph.OpList()) {
    for (int r = 0; r < op->num_regions(); ++r) ForEachOp(op->region(r), visit);
    visit(op);
  }
}

bool HasNoActivation(const ir::Op& op) {
  if (!ir::HasFusedActivationAttrs(op.kind()) || op.num_results() != 1) return false;
  Expected<ir::FusedActivation> activation = ir::GetFusedActivation(op);
  return activation.ok() && activation->kind == ir::ActivationKind::kNone;
}

bool CanFuseInto(const ir::Op& op) {
  // A residual would have to be scaled by a folded batch_norm, and is not kept by the rewrites
  // that rebuild the operand list.
  return HasNoActivation(op) && ir::ResidualOf(op) == nullptr && IsPlainF32(op.result(0)->type());
}

void TakeOverResult(ir::Value* fused, ir::Value* replaced) {
  if (replaced->type()->shape().is_ranked()) fused->set_type(replaced->type());
  if (!replaced->name().empty()) fused->set_name(replaced->name());
  replaced->ReplaceAllUsesWith(fused);
}

std::optional<std::vector<int64_t>> StaticSizes(const ir::TensorType* type) {
  if (type == nullptr || !type->shape().is_ranked() || !type->shape().is_static()) {
    return std::nullopt;
  }
  return type->shape().static_sizes();
}

std::optional<int64_t> ConvOutputChannels(const ir::Op& conv) {
  const int64_t group = conv.attrs().GetInt("group", 1);
  if (group < 1 || conv.num_operands() < 2 || conv.operand(1) == nullptr) return std::nullopt;
  const ir::Shape& w = conv.operand(1)->type()->shape();
  const int channel_dim = conv.kind() == ir::OpKind::kConvTranspose ? 1 : 0;
  if (w.is_ranked() && w.rank() > channel_dim && w.dim(channel_dim).is_static()) {
    const int64_t n = w.dim(channel_dim).size();
    return conv.kind() == ir::OpKind::kConvTranspose ? n * group : n;
  }
  const ir::Shape& y = conv.result(0)->type()->shape();
  if (y.is_ranked() && y.rank() > 1 && y.dim(1).is_static()) return y.dim(1).size();
  return std::nullopt;
}

std::optional<std::vector<float>> ValuesAlongAxis(const ir::Value* constant, int rank, int axis,
                                                  int64_t size) {
  if (constant == nullptr || !IsPlainF32(constant->type())) return std::nullopt;
  std::optional<std::vector<int64_t>> sizes = StaticSizes(constant->type());
  std::optional<std::vector<float>> values = FloatConstant(constant);
  const int rc = sizes ? static_cast<int>(sizes->size()) : 0;
  if (!sizes || !values || rc > rank || axis < 0 || axis >= rank) return std::nullopt;
  if (values->size() == 1) return std::vector<float>(size, (*values)[0]);
  const int at = axis - (rank - rc);  // the constant's dim that lines up with `axis`
  if (at < 0) return std::nullopt;
  for (int i = 0; i < rc; ++i) {
    if ((*sizes)[i] != (i == at ? size : 1)) return std::nullopt;
  }
  return values;
}

ir::Value* AddNamedFloatConstant(ir::Graph& graph, const std::vector<int64_t>& sizes,
                                 const std::vector<float>& values, std::string_view name_hint) {
  ir::Value* v = AddFloatConstant(graph, sizes, values, name_hint);
  v->set_name(v->constant()->name);
  return v;
}

std::string_view ConstantName(const ir::Value* value) {
  if (value == nullptr || !value->is_constant() || value->constant() == nullptr) return "";
  return value->constant()->name;
}

std::optional<GemmBias> FoldIntoGemmBias(const ir::Op& gemm, const std::vector<double>& scale,
                                         const std::vector<double>& shift) {
  const int64_t n = static_cast<int64_t>(shift.size());
  const double beta = gemm.attrs().GetFloat("beta", 1.0);
  // C as [rows, cols], rows in {1, M} and cols in {1, N}; absent C is zero.
  int64_t rows = 1, cols = 1;
  std::vector<float> c = {0.0f};
  ir::Value* c_value = gemm.num_operands() > 2 ? gemm.operand(2) : nullptr;
  if (c_value != nullptr) {
    std::optional<std::vector<float>> data = FloatConstant(c_value);
    std::optional<std::vector<int64_t>> sizes = StaticSizes(c_value->type());
    if (!data || !sizes || sizes->size() > 2) return std::nullopt;
    if (sizes->size() >= 1) cols = sizes->back();
    if (sizes->size() == 2) rows = (*sizes)[0];
    if (cols != 1 && cols != n) return std::nullopt;
    const ir::Shape& y = gemm.result(0)->type()->shape();
    const bool m_known = y.is_ranked() && y.rank() == 2 && y.dim(0).is_static();
    if (rows != 1 && (!m_known || y.dim(0).size() != rows)) return std::nullopt;
    c = std::move(*data);
  }
  GemmBias out;
  out.sizes = rows == 1 ? std::vector<int64_t>{n} : std::vector<int64_t>{rows, n};
  out.values.resize(rows * n);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      const double cij = c[i * cols + (cols == 1 ? 0 : j)];
      const double v = scale[j] * beta * cij + shift[j];
      if (!std::isfinite(v)) return std::nullopt;
      out.values[i * n + j] = static_cast<float>(v);
    }
  }
  return out;
}

void SetGemmBias(ir::Op& gemm, const GemmBias& bias, std::string_view name_hint) {
  ir::Value* c = AddNamedFloatConstant(*gemm.graph(), bias.sizes, bias.values, name_hint);
  if (gemm.num_operands() > 2) {
    gemm.SetOperand(2, c);
  } else {
    gemm.SetOperands({gemm.operand(0), gemm.operand(1), c});
  }
  if (gemm.attrs().Has("beta")) gemm.attrs().Set("beta", 1.0);
}

}  // namespace kiln
