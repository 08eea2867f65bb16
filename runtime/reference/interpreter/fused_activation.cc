#include "runtime/reference/interpreter/fused_activation.h"

#include "ir/fused_activation.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/cast.h"
#include "runtime/reference/kernels/clip.h"
#include "runtime/reference/kernels/unary.h"

namespace kiln::ref {
namespace {

using ir::ActivationKind;

rt::Result<Tensor> Activate(const ir::FusedActivation& a, const Tensor& y, int threads) {
  const float alpha = static_cast<float>(a.alpha);
  const float beta = static_cast<float>(a.beta);
  switch (a.kind) {
    case ActivationKind::kNone:
      return y;
    case ActivationKind::kRelu:
      return Unary(UnaryOp::kRelu, y, {}, threads);
    case ActivationKind::kLeakyRelu:
      return Unary(UnaryOp::kLeakyRelu, y, {.alpha = alpha}, threads);
    case ActivationKind::kClip: {
      // Bounds in y's dtype, as clip's operands would be.
      rt::Result<Tensor> lo = Cast(Tensor::FromVector<float>(DType::kF32, {}, {alpha}), y.dtype());
      rt::Result<Tensor> hi = Cast(Tensor::FromVector<float>(DType::kF32, {}, {beta}), y.dtype());
      if (!lo.ok()) return lo.status();
      if (!hi.ok()) return hi.status();
      return Clip(y, &*lo, &*hi, threads);
    }
    case ActivationKind::kHardSigmoid:
      return Unary(UnaryOp::kHardSigmoid, y, {.alpha = alpha, .beta = beta}, threads);
    case ActivationKind::kHardSwish:
      return Unary(UnaryOp::kHardSwish, y, {}, threads);
    case ActivationKind::kSigmoid:
      return Unary(UnaryOp::kSigmoid, y, {}, threads);
    case ActivationKind::kSilu:
      return Unary(UnaryOp::kSilu, y, {}, threads);
    case ActivationKind::kGelu:
      return Unary(UnaryOp::kGelu, y, {}, threads);
    case ActivationKind::kGeluTanh:
      return Unary(UnaryOp::kGeluTanh, y, {}, threads);
    case ActivationKind::kTanh:
      return Unary(UnaryOp::kTanh, y, {}, threads);
  }
  return y;
}

}  // namespace

Expected<Tensor> ApplyFusedActivation(const ir::Op& op, rt::Result<Tensor> computed, int threads) {
  if (!computed.ok()) return FromRt(computed.status());
  Expected<ir::FusedActivation> a = ir::GetFusedActivation(op);
  if (!a) return a.error();
  rt::Result<Tensor> y = Activate(*a, *computed, threads);
  if (!y.ok()) return FromRt(y.status());
  return std::move(*y);
}

}  // namespace kiln::ref
