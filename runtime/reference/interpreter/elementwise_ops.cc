// Op kernels for the elementwise family: unary activations and math, binary arithmetic,
// comparisons, boolean logic, where, clip and cast. Each reads the op's attributes (ONNX
// names and defaults) and calls the pure kernels of runtime/reference/kernels/.
#include <string>

#include "ir/str_cat.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/binary.h"
#include "runtime/reference/kernels/cast.h"
#include "runtime/reference/kernels/clip.h"
#include "runtime/reference/kernels/compare.h"
#include "runtime/reference/kernels/unary.h"
#include "runtime/reference/kernels/where.h"

namespace kiln::ref {
namespace {

using ir::OpKind;
using ir::StrCat;

// Operand `i`, which the schema says is present; an error if it is absent.
Status Required(const OpKernelContext& ctx, int i, const Tensor*& out) {
  out = ctx.operand(i);
  if (out == nullptr) return Status::Error(StrCat("operand ", i, " is missing"));
  return Status::Ok();
}

UnaryParams ParamsFor(UnaryOp op, const OpKernelContext& ctx) {
  return UnaryParamsFrom(op, [&](std::string_view name, double fallback) {
    return ctx.op.attrs().GetFloat(name, fallback);
  });
}

template <UnaryOp kOp>
Status RunUnary(OpKernelContext& ctx) {
  const Tensor* x;
  if (Status s = Required(ctx, 0, x); !s.ok()) return s;
  return SetResult(ctx, Unary(kOp, *x, ParamsFor(kOp, ctx), ctx.threads));
}

Status RunGelu(OpKernelContext& ctx) {
  const Tensor* x;
  if (Status s = Required(ctx, 0, x); !s.ok()) return s;
  const std::string approximate = ctx.op.attrs().GetString("approximate", "none");
  if (approximate != "none" && approximate != "tanh") {
    return Status::Error(StrCat("approximate is \"", approximate, "\", expected none or tanh"));
  }
  const UnaryOp op = approximate == "tanh" ? UnaryOp::kGeluTanh : UnaryOp::kGelu;
  return SetResult(ctx, Unary(op, *x, {}, ctx.threads));
}

template <BinaryOp kOp>
Status RunBinary(OpKernelContext& ctx) {
  const Tensor *a, *b;
  if (Status s = Required(ctx, 0, a); !s.ok()) return s;
  if (Status s = Required(ctx, 1, b); !s.ok()) return s;
  return SetResult(ctx, Binary(kOp, *a, *b, ctx.threads));
}

Status RunMod(OpKernelContext& ctx) {
  const Tensor *a, *b;
  if (Status s = Required(ctx, 0, a); !s.ok()) return s;
  if (Status s = Required(ctx, 1, b); !s.ok()) return s;
  const BinaryOp op = ctx.op.attrs().GetInt("fmod", 0) != 0 ? BinaryOp::kFMod : BinaryOp::kMod;
  return SetResult(ctx, Binary(op, *a, *b, ctx.threads));
}

// Min and Max take one or more operands, all broadcast together.
template <BinaryOp kOp>
Status RunVariadic(OpKernelContext& ctx) {
  const Tensor* first;
  if (Status s = Required(ctx, 0, first); !s.ok()) return s;
  Tensor acc = *first;
  for (int i = 1; i < static_cast<int>(ctx.operands.size()); ++i) {
    const Tensor* next;
    if (Status s = Required(ctx, i, next); !s.ok()) return s;
    rt::Result<Tensor> r = Binary(kOp, acc, *next, ctx.threads);
    if (!r.ok()) return FromRt(r.status());
    acc = std::move(*r);
  }
  ctx.results[0] = std::move(acc);
  return Status::Ok();
}

// Sum adds all operands; Mean then divides by their count.
template <bool kMean>
Status RunSum(OpKernelContext& ctx) {
  if (Status s = RunVariadic<BinaryOp::kAdd>(ctx); !s.ok()) return s;
  if (!kMean) return Status::Ok();
  Tensor& sum = ctx.results[0];
  const float n = static_cast<float>(ctx.operands.size());
  rt::Result<Tensor> count = Cast(Tensor::FromVector<float>(DType::kF32, {}, {n}), sum.dtype());
  if (!count.ok()) return FromRt(count.status());
  return SetResult(ctx, Binary(BinaryOp::kDiv, sum, *count, ctx.threads));
}

Status RunBitShift(OpKernelContext& ctx) {
  const Tensor *a, *b;
  if (Status s = Required(ctx, 0, a); !s.ok()) return s;
  if (Status s = Required(ctx, 1, b); !s.ok()) return s;
  const std::string direction = ctx.op.attrs().GetString("direction");
  if (direction != "LEFT" && direction != "RIGHT") {
    return Status::Error(StrCat("direction is \"", direction, "\", expected LEFT or RIGHT"));
  }
  const BinaryOp op = direction == "LEFT" ? BinaryOp::kShiftLeft : BinaryOp::kShiftRight;
  return SetResult(ctx, Binary(op, *a, *b, ctx.threads));
}

Status RunIsNaN(OpKernelContext& ctx) {
  const Tensor* x;
  if (Status s = Required(ctx, 0, x); !s.ok()) return s;
  return SetResult(ctx, IsNaN(*x, ctx.threads));
}

Status RunIsInf(OpKernelContext& ctx) {
  const Tensor* x;
  if (Status s = Required(ctx, 0, x); !s.ok()) return s;
  const ir::AttrMap& attrs = ctx.op.attrs();
  return SetResult(ctx, IsInf(*x, attrs.GetInt("detect_negative", 1) != 0,
                              attrs.GetInt("detect_positive", 1) != 0, ctx.threads));
}

template <CompareOp kOp>
Status RunCompare(OpKernelContext& ctx) {
  const Tensor *a, *b;
  if (Status s = Required(ctx, 0, a); !s.ok()) return s;
  if (Status s = Required(ctx, 1, b); !s.ok()) return s;
  return SetResult(ctx, Compare(kOp, *a, *b, ctx.threads));
}

template <LogicOp kOp>
Status RunLogic(OpKernelContext& ctx) {
  const Tensor *a, *b;
  if (Status s = Required(ctx, 0, a); !s.ok()) return s;
  if (Status s = Required(ctx, 1, b); !s.ok()) return s;
  return SetResult(ctx, Logic(kOp, *a, *b, ctx.threads));
}

Status RunWhere(OpKernelContext& ctx) {
  const Tensor *c, *x, *y;
  if (Status s = Required(ctx, 0, c); !s.ok()) return s;
  if (Status s = Required(ctx, 1, x); !s.ok()) return s;
  if (Status s = Required(ctx, 2, y); !s.ok()) return s;
  return SetResult(ctx, Where(*c, *x, *y, ctx.threads));
}

Status RunClip(OpKernelContext& ctx) {
  const Tensor* x;
  if (Status s = Required(ctx, 0, x); !s.ok()) return s;
  return SetResult(ctx, Clip(*x, ctx.operand(1), ctx.operand(2), ctx.threads));
}

// The target dtype is the result type's; `saturate` only matters for fp8, which Kiln lacks.
Status RunCast(OpKernelContext& ctx) {
  const Tensor* x;
  if (Status s = Required(ctx, 0, x); !s.ok()) return s;
  return SetResult(ctx, Cast(*x, DTypeOf(ctx.result_type().scalar())));
}

}  // namespace

void RegisterElementwiseOps(OpKernelTable& table) {
  table.Register(OpKind::kIdentity, &RunUnary<UnaryOp::kIdentity>);
  table.Register(OpKind::kRelu, &RunUnary<UnaryOp::kRelu>);
  table.Register(OpKind::kLeakyRelu, &RunUnary<UnaryOp::kLeakyRelu>);
  table.Register(OpKind::kElu, &RunUnary<UnaryOp::kElu>);
  table.Register(OpKind::kSelu, &RunUnary<UnaryOp::kSelu>);
  table.Register(OpKind::kSigmoid, &RunUnary<UnaryOp::kSigmoid>);
  table.Register(OpKind::kHardSigmoid, &RunUnary<UnaryOp::kHardSigmoid>);
  table.Register(OpKind::kHardSwish, &RunUnary<UnaryOp::kHardSwish>);
  table.Register(OpKind::kSilu, &RunUnary<UnaryOp::kSilu>);
  table.Register(OpKind::kGelu, &RunGelu);
  table.Register(OpKind::kTanh, &RunUnary<UnaryOp::kTanh>);
  table.Register(OpKind::kSoftplus, &RunUnary<UnaryOp::kSoftplus>);
  table.Register(OpKind::kSoftsign, &RunUnary<UnaryOp::kSoftsign>);
  table.Register(OpKind::kClip, &RunClip);
  table.Register(OpKind::kErf, &RunUnary<UnaryOp::kErf>);
  table.Register(OpKind::kExp, &RunUnary<UnaryOp::kExp>);
  table.Register(OpKind::kLog, &RunUnary<UnaryOp::kLog>);
  table.Register(OpKind::kSqrt, &RunUnary<UnaryOp::kSqrt>);
  table.Register(OpKind::kReciprocal, &RunUnary<UnaryOp::kReciprocal>);
  table.Register(OpKind::kNeg, &RunUnary<UnaryOp::kNeg>);
  table.Register(OpKind::kAbs, &RunUnary<UnaryOp::kAbs>);
  table.Register(OpKind::kFloor, &RunUnary<UnaryOp::kFloor>);
  table.Register(OpKind::kCeil, &RunUnary<UnaryOp::kCeil>);
  table.Register(OpKind::kRound, &RunUnary<UnaryOp::kRound>);
  table.Register(OpKind::kSign, &RunUnary<UnaryOp::kSign>);
  table.Register(OpKind::kSin, &RunUnary<UnaryOp::kSin>);
  table.Register(OpKind::kCos, &RunUnary<UnaryOp::kCos>);
  table.Register(OpKind::kNot, &RunUnary<UnaryOp::kNot>);
  table.Register(OpKind::kTan, &RunUnary<UnaryOp::kTan>);
  table.Register(OpKind::kAsin, &RunUnary<UnaryOp::kAsin>);
  table.Register(OpKind::kAcos, &RunUnary<UnaryOp::kAcos>);
  table.Register(OpKind::kAtan, &RunUnary<UnaryOp::kAtan>);
  table.Register(OpKind::kSinh, &RunUnary<UnaryOp::kSinh>);
  table.Register(OpKind::kCosh, &RunUnary<UnaryOp::kCosh>);
  table.Register(OpKind::kAsinh, &RunUnary<UnaryOp::kAsinh>);
  table.Register(OpKind::kAcosh, &RunUnary<UnaryOp::kAcosh>);
  table.Register(OpKind::kAtanh, &RunUnary<UnaryOp::kAtanh>);
  table.Register(OpKind::kShrink, &RunUnary<UnaryOp::kShrink>);
  table.Register(OpKind::kThresholdedRelu, &RunUnary<UnaryOp::kThresholdedRelu>);
  table.Register(OpKind::kIsNaN, &RunIsNaN);
  table.Register(OpKind::kIsInf, &RunIsInf);

  table.Register(OpKind::kAdd, &RunBinary<BinaryOp::kAdd>);
  table.Register(OpKind::kSub, &RunBinary<BinaryOp::kSub>);
  table.Register(OpKind::kMul, &RunBinary<BinaryOp::kMul>);
  table.Register(OpKind::kDiv, &RunBinary<BinaryOp::kDiv>);
  table.Register(OpKind::kPow, &RunBinary<BinaryOp::kPow>);
  table.Register(OpKind::kMod, &RunMod);
  table.Register(OpKind::kPRelu, &RunBinary<BinaryOp::kPRelu>);
  table.Register(OpKind::kMin, &RunVariadic<BinaryOp::kMin>);
  table.Register(OpKind::kMax, &RunVariadic<BinaryOp::kMax>);
  table.Register(OpKind::kEqual, &RunCompare<CompareOp::kEqual>);
  table.Register(OpKind::kLess, &RunCompare<CompareOp::kLess>);
  table.Register(OpKind::kLessOrEqual, &RunCompare<CompareOp::kLessOrEqual>);
  table.Register(OpKind::kGreater, &RunCompare<CompareOp::kGreater>);
  table.Register(OpKind::kGreaterOrEqual, &RunCompare<CompareOp::kGreaterOrEqual>);
  table.Register(OpKind::kAnd, &RunLogic<LogicOp::kAnd>);
  table.Register(OpKind::kOr, &RunLogic<LogicOp::kOr>);
  table.Register(OpKind::kXor, &RunLogic<LogicOp::kXor>);
  table.Register(OpKind::kWhere, &RunWhere);
  table.Register(OpKind::kSum, &RunSum<false>);
  table.Register(OpKind::kMean, &RunSum<true>);
  table.Register(OpKind::kBitShift, &RunBitShift);

  table.Register(OpKind::kCast, &RunCast);
}

}  // namespace kiln::ref
