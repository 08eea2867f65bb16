// Op kernels for max_pool, average_pool, global_average_pool and global_max_pool.
#include <string>

#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/pool.h"

namespace kiln::ref {
namespace {

// Reads the attributes every windowed pooling op shares.
rt::Result<PoolParams> ReadPoolParams(const ir::AttrMap& attrs) {
  rt::Result<AutoPad> auto_pad = ParseAutoPad(attrs.GetString("auto_pad"));
  if (!auto_pad.ok()) return auto_pad.status();
  PoolParams p;
  p.kernel_shape = attrs.GetInts("kernel_shape");
  p.strides = attrs.GetInts("strides");
  p.dilations = attrs.GetInts("dilations");
  p.pads = attrs.GetInts("pads");
  p.auto_pad = *auto_pad;
  p.ceil_mode = attrs.GetInt("ceil_mode", 0) != 0;
  p.count_include_pad = attrs.GetInt("count_include_pad", 0) != 0;
  p.storage_order = attrs.GetInt("storage_order", 0);
  return p;
}

Status RunMaxPool(OpKernelContext& ctx) {
  if (ctx.operand(0) == nullptr) return Status::Error("operand 0 is missing");
  rt::Result<PoolParams> p = ReadPoolParams(ctx.op.attrs());
  if (!p.ok()) return FromRt(p.status());
  const bool with_indices = ctx.op.num_results() > 1;
  rt::Result<MaxPoolResult> r = MaxPool(*ctx.operand(0), *p, with_indices, ctx.threads);
  if (!r.ok()) return FromRt(r.status());
  if (Status s = SetResult(ctx, 0, std::move(r->values)); !s.ok()) return s;
  return with_indices ? SetResult(ctx, 1, std::move(r->indices)) : Status::Ok();
}

Status RunAveragePool(OpKernelContext& ctx) {
  if (ctx.operand(0) == nullptr) return Status::Error("operand 0 is missing");
  rt::Result<PoolParams> p = ReadPoolParams(ctx.op.attrs());
  if (!p.ok()) return FromRt(p.status());
  return SetResult(ctx, 0, AveragePool(*ctx.operand(0), *p, ctx.threads));
}

Status RunGlobalAveragePool(OpKernelContext& ctx) {
  if (ctx.operand(0) == nullptr) return Status::Error("operand 0 is missing");
  return SetResult(ctx, 0, GlobalAveragePool(*ctx.operand(0)));
}

Status RunGlobalMaxPool(OpKernelContext& ctx) {
  if (ctx.operand(0) == nullptr) return Status::Error("operand 0 is missing");
  return SetResult(ctx, 0, GlobalMaxPool(*ctx.operand(0)));
}

}  // namespace

void RegisterPoolingOps(OpKernelTable& table) {
  table.Register(ir::OpKind::kMaxPool, RunMaxPool);
  table.Register(ir::OpKind::kAveragePool, RunAveragePool);
  table.Register(ir::OpKind::kGlobalAveragePool, RunGlobalAveragePool);
  table.Register(ir::OpKind::kGlobalMaxPool, RunGlobalMaxPool);
}

}  // namespace kiln::ref
