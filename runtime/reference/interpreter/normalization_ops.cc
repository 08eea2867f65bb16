// Op kernels for batch_norm (inference form only), layer_norm and instance_norm.
#include <string>

#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/batch_norm.h"
#include "runtime/reference/kernels/instance_norm.h"
#include "runtime/reference/kernels/layer_norm.h"

namespace kiln::ref {
namespace {

Status CheckOperands(const OpKernelContext& ctx, int required) {
  for (int i = 0; i < required; ++i) {
    if (ctx.operand(i) == nullptr)
      return Status::Error("operand " + std::to_string(i) + " is missing");
  }
  return Status::Ok();
}

constexpr double kDefaultEpsilon = 1e-5;

Status RunBatchNorm(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 5); !s.ok()) return s;
  if (ctx.op.attrs().GetInt("training_mode", 0) != 0 || ctx.op.num_results() > 1) {
    return Status::Error("batch_norm in training mode is not supported (inference only)");
  }
  const float epsilon = static_cast<float>(ctx.op.attrs().GetFloat("epsilon", kDefaultEpsilon));
  rt::Result<Tensor> y = BatchNorm(*ctx.operand(0), *ctx.operand(1), *ctx.operand(2),
                                   *ctx.operand(3), *ctx.operand(4), epsilon, ctx.threads);
  if (!y.ok()) return FromRt(y.status());
  return SetResult(ctx, 0, std::move(*y));
}

Status RunLayerNorm(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 1); !s.ok()) return s;
  const ir::AttrMap& attrs = ctx.op.attrs();
  const int64_t axis = attrs.GetInt("axis", -1);
  const float epsilon = static_cast<float>(attrs.GetFloat("epsilon", kDefaultEpsilon));
  // An absent scale multiplies by one.
  const Tensor ones = Tensor::FromVector(DType::kF32, {1}, std::vector<float>{1.0f});
  const Tensor* scale = ctx.operand(1) != nullptr ? ctx.operand(1) : &ones;
  const bool with_stats = ctx.op.num_results() > 1;
  rt::Result<LayerNormResult> r =
      LayerNorm(*ctx.operand(0), *scale, ctx.operand(2), axis, epsilon, with_stats, ctx.threads);
  if (!r.ok()) return FromRt(r.status());
  if (Status s = SetResult(ctx, 0, std::move(r->y)); !s.ok()) return s;
  if (ctx.op.num_results() > 1) {
    if (Status s = SetResult(ctx, 1, std::move(r->mean)); !s.ok()) return s;
  }
  if (ctx.op.num_results() > 2) return SetResult(ctx, 2, std::move(r->inv_std_dev));
  return Status::Ok();
}

Status RunInstanceNorm(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 3); !s.ok()) return s;
  const float epsilon = static_cast<float>(ctx.op.attrs().GetFloat("epsilon", kDefaultEpsilon));
  rt::Result<Tensor> y =
      InstanceNorm(*ctx.operand(0), *ctx.operand(1), *ctx.operand(2), epsilon, ctx.threads);
  if (!y.ok()) return FromRt(y.status());
  return SetResult(ctx, 0, std::move(*y));
}

}  // namespace

void RegisterNormalizationOps(OpKernelTable& table) {
  table.Register(ir::OpKind::kBatchNorm, RunBatchNorm);
  table.Register(ir::OpKind::kLayerNorm, RunLayerNorm);
  table.Register(ir::OpKind::kInstanceNorm, RunInstanceNorm);
}

}  // namespace kiln::ref
