// Op kernels that address elements by computed indices: gather_nd, scatter_elements,
// scatter_nd, one_hot, trilu, eye_like, cum_sum, top_k, reverse_sequence, and the ops whose
// result shape depends on the data: compress, non_zero, unique.
#include <optional>
#include <string>
#include <vector>

#include "runtime/reference/interpreter/movement_ops.h"
#include "runtime/reference/kernels/compress.h"
#include "runtime/reference/kernels/cum_sum.h"
#include "runtime/reference/kernels/gather_nd.h"
#include "runtime/reference/kernels/non_zero.h"
#include "runtime/reference/kernels/one_hot.h"
#include "runtime/reference/kernels/reverse_sequence.h"
#include "runtime/reference/kernels/scatter.h"
#include "runtime/reference/kernels/top_k.h"
#include "runtime/reference/kernels/trilu.h"
#include "runtime/reference/kernels/unique.h"

namespace kiln::ref {
namespace {

// The single integer of a scalar (or one-element) operand `i`.
Expected<int64_t> OperandScalar(const OpKernelContext& ctx, int i, const char* what) {
  Expected<std::vector<int64_t>> v = OperandInts(ctx, i, what);
  if (!v) return v.error();
  if (v->size() != 1) {
    return Status::Error(std::string(what) + " must hold one value, got " +
                         std::to_string(v->size()));
  }
  return (*v)[0];
}

std::optional<int64_t> OptionalAxis(const OpKernelContext& ctx) {
  if (!ctx.op.attrs().Has("axis")) return std::nullopt;
  return ctx.op.attrs().GetInt("axis");
}

Status RunGatherND(OpKernelContext& ctx) {
  return SetResult(
      ctx, 0, GatherND(*ctx.operand(0), *ctx.operand(1), ctx.op.attrs().GetInt("batch_dims", 0)));
}

Status RunScatterElements(OpKernelContext& ctx) {
  rt::Result<ScatterReduction> reduction =
      ParseScatterReduction(ctx.op.attrs().GetString("reduction", "none"));
  if (!reduction.ok()) return FromRt(reduction.status());
  return SetResult(ctx, 0,
                   ScatterElements(*ctx.operand(0), *ctx.operand(1), *ctx.operand(2),
                                   ctx.op.attrs().GetInt("axis", 0), *reduction));
}

Status RunScatterND(OpKernelContext& ctx) {
  rt::Result<ScatterReduction> reduction =
      ParseScatterReduction(ctx.op.attrs().GetString("reduction", "none"));
  if (!reduction.ok()) return FromRt(reduction.status());
  return SetResult(ctx, 0,
                   ScatterND(*ctx.operand(0), *ctx.operand(1), *ctx.operand(2), *reduction));
}

Status RunOneHot(OpKernelContext& ctx) {
  return SetResult(
      ctx, 0,
      OneHot(*ctx.operand(0), *ctx.operand(1), *ctx.operand(2), ctx.op.attrs().GetInt("axis", -1)));
}

Status RunTrilu(OpKernelContext& ctx) {
  int64_t k = 0;
  if (ctx.operand(1) != nullptr) {
    Expected<int64_t> v = OperandScalar(ctx, 1, "trilu k");
    if (!v) return v.error();
    k = *v;
  }
  return SetResult(ctx, 0, Trilu(*ctx.operand(0), k, ctx.op.attrs().GetInt("upper", 1) != 0));
}

Status RunEyeLike(OpKernelContext& ctx) {
  return SetResult(ctx, 0,
                   EyeLike(DTypeOf(ctx.result_type().scalar()), ctx.operand(0)->shape(),
                           ctx.op.attrs().GetInt("k", 0)));
}

Status RunCumSum(OpKernelContext& ctx) {
  Expected<int64_t> axis = OperandScalar(ctx, 1, "cum_sum axis");
  if (!axis) return axis.error();
  return SetResult(ctx, 0,
                   CumSum(*ctx.operand(0), *axis, ctx.op.attrs().GetInt("exclusive", 0) != 0,
                          ctx.op.attrs().GetInt("reverse", 0) != 0));
}

Status RunTopK(OpKernelContext& ctx) {
  Expected<int64_t> k = OperandScalar(ctx, 1, "top_k k");
  if (!k) return k.error();
  rt::Result<TopKResult> r = TopK(*ctx.operand(0), *k, ctx.op.attrs().GetInt("axis", -1),
                                  ctx.op.attrs().GetInt("largest", 1) != 0);
  if (!r.ok()) return FromRt(r.status());
  ctx.results[0] = std::move(r->values);
  ctx.results[1] = std::move(r->indices);
  return Status::Ok();
}

Status RunReverseSequence(OpKernelContext& ctx) {
  return SetResult(
      ctx, 0,
      ReverseSequence(*ctx.operand(0), *ctx.operand(1), ctx.op.attrs().GetInt("batch_axis", 1),
                      ctx.op.attrs().GetInt("time_axis", 0)));
}

Status RunCompress(OpKernelContext& ctx) {
  return SetResult(ctx, 0, Compress(*ctx.operand(0), *ctx.operand(1), OptionalAxis(ctx)));
}

Status RunNonZero(OpKernelContext& ctx) { return SetResult(ctx, 0, NonZero(*ctx.operand(0))); }

Status RunUnique(OpKernelContext& ctx) {
  rt::Result<UniqueResult> r =
      Unique(*ctx.operand(0), OptionalAxis(ctx), ctx.op.attrs().GetInt("sorted", 1) != 0);
  if (!r.ok()) return FromRt(r.status());
  Tensor* parts[] = {&r->y, &r->indices, &r->inverse_indices, &r->counts};
  for (int i = 0; i < ctx.op.num_results() && i < 4; ++i) ctx.results[i] = std::move(*parts[i]);
  return Status::Ok();
}

}  // namespace

void RegisterIndexingOps(OpKernelTable& table) {
  table.Register(ir::OpKind::kGatherND, RunGatherND);
  table.Register(ir::OpKind::kScatterElements, RunScatterElements);
  table.Register(ir::OpKind::kScatterND, RunScatterND);
  table.Register(ir::OpKind::kOneHot, RunOneHot);
  table.Register(ir::OpKind::kTrilu, RunTrilu);
  table.Register(ir::OpKind::kEyeLike, RunEyeLike);
  table.Register(ir::OpKind::kCumSum, RunCumSum);
  table.Register(ir::OpKind::kTopK, RunTopK);
  table.Register(ir::OpKind::kReverseSequence, RunReverseSequence);
  table.Register(ir::OpKind::kCompress, RunCompress);
  table.Register(ir::OpKind::kNonZero, RunNonZero);
  table.Register(ir::OpKind::kUnique, RunUnique);
}

}  // namespace kiln::ref
