// Op kernels for reduce_*, arg_max, arg_min, softmax, log_softmax and hardmax.
#include <string>

#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/arg_reduce.h"
#include "runtime/reference/kernels/reduce.h"
#include "runtime/reference/kernels/softmax.h"

namespace kiln::ref {
namespace {

template <ReduceKind kKind>
Status RunReduce(OpKernelContext& ctx) {
  if (ctx.operand(0) == nullptr) return Status::Error("operand 0 is missing");
  const ir::AttrMap& attrs = ctx.op.attrs();
  ReduceParams p;
  p.axes = attrs.GetInts("axes");
  p.keepdims = attrs.GetInt("keepdims", 1) != 0;
  p.noop_with_empty_axes = attrs.GetInt("noop_with_empty_axes", 0) != 0;
  return SetResult(ctx, Reduce(kKind, *ctx.operand(0), p));
}

template <bool kMax>
Status RunArgReduce(OpKernelContext& ctx) {
  if (ctx.operand(0) == nullptr) return Status::Error("operand 0 is missing");
  const ir::AttrMap& attrs = ctx.op.attrs();
  ArgReduceParams p;
  p.axis = attrs.GetInt("axis", 0);
  p.keepdims = attrs.GetInt("keepdims", 1) != 0;
  p.select_last_index = attrs.GetInt("select_last_index", 0) != 0;
  return SetResult(ctx, ArgReduce(*ctx.operand(0), kMax, p));
}

template <bool kLog>
Status RunSoftmax(OpKernelContext& ctx) {
  if (ctx.operand(0) == nullptr) return Status::Error("operand 0 is missing");
  return SetResult(ctx,
                   Softmax(*ctx.operand(0), ctx.op.attrs().GetInt("axis", -1), kLog, ctx.threads));
}

Status RunHardmax(OpKernelContext& ctx) {
  if (ctx.operand(0) == nullptr) return Status::Error("operand 0 is missing");
  return SetResult(ctx, Hardmax(*ctx.operand(0), ctx.op.attrs().GetInt("axis", -1)));
}

}  // namespace

void RegisterReductionOps(OpKernelTable& table) {
  table.Register(ir::OpKind::kReduceMean, RunReduce<ReduceKind::kMean>);
  table.Register(ir::OpKind::kReduceSum, RunReduce<ReduceKind::kSum>);
  table.Register(ir::OpKind::kReduceMax, RunReduce<ReduceKind::kMax>);
  table.Register(ir::OpKind::kReduceMin, RunReduce<ReduceKind::kMin>);
  table.Register(ir::OpKind::kReduceProd, RunReduce<ReduceKind::kProd>);
  table.Register(ir::OpKind::kReduceL2, RunReduce<ReduceKind::kL2>);
  table.Register(ir::OpKind::kReduceSumSquare, RunReduce<ReduceKind::kSumSquare>);
  table.Register(ir::OpKind::kReduceL1, RunReduce<ReduceKind::kL1>);
  table.Register(ir::OpKind::kReduceLogSum, RunReduce<ReduceKind::kLogSum>);
  table.Register(ir::OpKind::kReduceLogSumExp, RunReduce<ReduceKind::kLogSumExp>);
  table.Register(ir::OpKind::kArgMax, RunArgReduce<true>);
  table.Register(ir::OpKind::kArgMin, RunArgReduce<false>);
  table.Register(ir::OpKind::kSoftmax, RunSoftmax<false>);
  table.Register(ir::OpKind::kLogSoftmax, RunSoftmax<true>);
  table.Register(ir::OpKind::kHardmax, RunHardmax);
}

}  // namespace kiln::ref
