// Op kernels for max_pool, average_pool, global_average_pool and global_max_pool, in layout
// NCHW or NHWC (ir/layout.h).
#include <string>

#include "ir/layout.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/pool.h"
#include "runtime/reference/kernels/transpose.h"

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

// Layout NHWC (ir/layout.h): the NCHW kernels run between transposes. `pool` maps an NCHW
// tensor to an NCHW tensor.
template <typename Pool>
rt::Result<Tensor> PoolInLayout(const OpKernelContext& ctx, const Tensor& x, Pool pool) {
  Expected<ir::Layout> layout = ir::GetLayout(ctx.op);
  if (!layout) return rt::Status::Error(layout.error().message());
  if (*layout == ir::Layout::kNchw) return pool(x);
  if (x.rank() != 4) {
    return rt::Status::Error("layout NHWC takes a 4-D input, got " + ShapeString(x.shape()));
  }
  static constexpr int64_t kToNchw[] = {0, 3, 1, 2};
  static constexpr int64_t kToNhwc[] = {0, 2, 3, 1};
  rt::Result<Tensor> x_nchw = Transpose(x, kToNchw);
  if (!x_nchw.ok()) return x_nchw;
  rt::Result<Tensor> y = pool(*x_nchw);
  if (!y.ok()) return y;
  return Transpose(*y, kToNhwc);
}

Status RunMaxPool(OpKernelContext& ctx) {
  if (ctx.operand(0) == nullptr) return Status::Error("operand 0 is missing");
  rt::Result<PoolParams> p = ReadPoolParams(ctx.op.attrs());
  if (!p.ok()) return FromRt(p.status());
  const bool with_indices = ctx.op.num_results() > 1;
  if (with_indices) {
    if (ir::IsChannelsLast(ctx.op)) return Status::Error("layout NHWC has no indices result");
    rt::Result<MaxPoolResult> r = MaxPool(*ctx.operand(0), *p, true, ctx.threads);
    if (!r.ok()) return FromRt(r.status());
    if (Status s = SetResult(ctx, 0, std::move(r->values)); !s.ok()) return s;
    return SetResult(ctx, 1, std::move(r->indices));
  }
  return SetResult(ctx, 0, PoolInLayout(ctx, *ctx.operand(0), [&](const Tensor& x) {
                     rt::Result<MaxPoolResult> r = MaxPool(x, *p, false, ctx.threads);
                     if (!r.ok()) return rt::Result<Tensor>(r.status());
                     return rt::Result<Tensor>(std::move(r->values));
                   }));
}

Status RunAveragePool(OpKernelContext& ctx) {
  if (ctx.operand(0) == nullptr) return Status::Error("operand 0 is missing");
  rt::Result<PoolParams> p = ReadPoolParams(ctx.op.attrs());
  if (!p.ok()) return FromRt(p.status());
  return SetResult(ctx, 0, PoolInLayout(ctx, *ctx.operand(0), [&](const Tensor& x) {
                     return AveragePool(x, *p, ctx.threads);
                   }));
}

Status RunGlobalAveragePool(OpKernelContext& ctx) {
  if (ctx.operand(0) == nullptr) return Status::Error("operand 0 is missing");
  return SetResult(ctx, 0, PoolInLayout(ctx, *ctx.operand(0), [](const Tensor& x) {
                     return GlobalAveragePool(x);
                   }));
}

Status RunGlobalMaxPool(OpKernelContext& ctx) {
  if (ctx.operand(0) == nullptr) return Status::Error("operand 0 is missing");
  return SetResult(
      ctx, 0, PoolInLayout(ctx, *ctx.operand(0), [](const Tensor& x) { return GlobalMaxPool(x); }));
}

}  // namespace

void RegisterPoolingOps(OpKernelTable& table) {
  table.Register(ir::OpKind::kMaxPool, RunMaxPool);
  table.Register(ir::OpKind::kAveragePool, RunAveragePool);
  table.Register(ir::OpKind::kGlobalAveragePool, RunGlobalAveragePool);
  table.Register(ir::OpKind::kGlobalMaxPool, RunGlobalMaxPool);
}

}  // namespace kiln::ref
