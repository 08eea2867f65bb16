// Fallback kernels for the elementwise family: every unary op of the reference kernels, gelu,
// binary arithmetic with broadcasting, variadic min/max, clip, where and cast. oneDNN kernels
// registered later replace the common ones; these keep the rest (erf, pow, mod, ...) running.
#include "runtime/cloud/fallback_kernel.h"
#include "runtime/reference/kernels/binary.h"
#include "runtime/reference/kernels/cast.h"
#include "runtime/reference/kernels/clip.h"
#include "runtime/reference/kernels/unary.h"
#include "runtime/reference/kernels/where.h"

namespace kiln::cloud {
namespace {

using ref::BinaryOp;
using ref::UnaryOp;

template <UnaryOp kOp>
FallbackResults RunUnary(const FallbackCall& call) {
  ref::UnaryParams params = ref::UnaryParamsFrom(kOp, [&](std::string_view name, double fallback) {
    rt::Result<double> v = call.attrs.Float(name, fallback);
    return v.ok() ? *v : fallback;
  });
  return OneResult(ref::Unary(kOp, *call.inputs[0], params, call.threads));
}

FallbackResults RunGelu(const FallbackCall& call) {
  rt::Result<std::string_view> approximate = call.attrs.String("approximate", "none");
  if (!approximate.ok()) return approximate.status();
  if (*approximate != "none" && *approximate != "tanh") {
    return rt::Status::Error("approximate is \"" + std::string(*approximate) +
                             "\", expected none or tanh");
  }
  UnaryOp op = *approximate == "tanh" ? UnaryOp::kGeluTanh : UnaryOp::kGelu;
  return OneResult(ref::Unary(op, *call.inputs[0], {}, call.threads));
}

// Binary ops fold left over their inputs, so min and max take any number of them.
template <BinaryOp kOp>
FallbackResults RunBinary(const FallbackCall& call) {
  rt::Result<const ref::Tensor*> first = call.Required(0);
  if (!first.ok()) return first.status();
  ref::Tensor acc = **first;
  for (size_t i = 1; i < call.inputs.size(); ++i) {
    rt::Result<const ref::Tensor*> next = call.Required(static_cast<int>(i));
    if (!next.ok()) return next.status();
    rt::Result<ref::Tensor> r = ref::Binary(kOp, acc, **next, call.threads);
    if (!r.ok()) return r.status();
    acc = std::move(*r);
  }
  std::vector<ref::Tensor> results;
  results.push_back(std::move(acc));
  return results;
}

FallbackResults RunMod(const FallbackCall& call) {
  rt::Result<int64_t> fmod = call.attrs.Int("fmod", 0);
  if (!fmod.ok()) return fmod.status();
  rt::Result<const ref::Tensor*> b = call.Required(1);
  if (!b.ok()) return b.status();
  return OneResult(ref::Binary(*fmod != 0 ? BinaryOp::kFMod : BinaryOp::kMod, *call.inputs[0], **b,
                               call.threads));
}

FallbackResults RunClip(const FallbackCall& call) {
  return OneResult(ref::Clip(*call.inputs[0], call.input(1), call.input(2), call.threads));
}

FallbackResults RunWhere(const FallbackCall& call) {
  rt::Result<const ref::Tensor*> x = call.Required(1);
  if (!x.ok()) return x.status();
  rt::Result<const ref::Tensor*> y = call.Required(2);
  if (!y.ok()) return y.status();
  return OneResult(ref::Where(*call.inputs[0], **x, **y, call.threads));
}

// The target dtype is the output's.
FallbackResults RunCast(const FallbackCall& call) {
  return OneResult(ref::Cast(*call.inputs[0], call.outputs[0]->dtype));
}

}  // namespace

void RegisterFallbackElementwiseKernels(KernelRegistry& registry) {
#define KILN_X(e, name) \
  if (UnaryOp::e != UnaryOp::kIdentity) registry.Register(name, MakeFallback<RunUnary<UnaryOp::e>>);
  KILN_UNARY_OPS(KILN_X)
#undef KILN_X
  registry.Register("gelu", MakeFallback<RunGelu>);
  registry.Register("add", MakeFallback<RunBinary<BinaryOp::kAdd>>);
  registry.Register("sub", MakeFallback<RunBinary<BinaryOp::kSub>>);
  registry.Register("mul", MakeFallback<RunBinary<BinaryOp::kMul>>);
  registry.Register("div", MakeFallback<RunBinary<BinaryOp::kDiv>>);
  registry.Register("pow", MakeFallback<RunBinary<BinaryOp::kPow>>);
  registry.Register("prelu", MakeFallback<RunBinary<BinaryOp::kPRelu>>);
  registry.Register("min", MakeFallback<RunBinary<BinaryOp::kMin>>);
  registry.Register("max", MakeFallback<RunBinary<BinaryOp::kMax>>);
  registry.Register("mod", MakeFallback<RunMod>);
  registry.Register("clip", MakeFallback<RunClip>);
  registry.Register("where", MakeFallback<RunWhere>);
  registry.Register("cast", MakeFallback<RunCast>);
}

}  // namespace kiln::cloud
