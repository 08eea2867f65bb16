// Op kernels that move elements: transpose, concat, split, slice, gather, gather_elements,
// pad, expand, tile, depth_to_space, space_to_depth.
#include "runtime/reference/interpreter/movement_ops.h"
#include "runtime/reference/kernels/concat.h"
#include "runtime/reference/kernels/depth_to_space.h"
#include "runtime/reference/kernels/expand.h"
#include "runtime/reference/kernels/gather.h"
#include "runtime/reference/kernels/gather_elements.h"
#include "runtime/reference/kernels/pad.h"
#include "runtime/reference/kernels/slice.h"
#include "runtime/reference/kernels/split.h"
#include "runtime/reference/kernels/tile.h"
#include "runtime/reference/kernels/transpose.h"

namespace kiln::ref {
namespace {

Status RunTranspose(OpKernelContext& ctx) {
  return SetResult(ctx, 0, Transpose(*ctx.operand(0), ctx.op.attrs().GetInts("perm")));
}

Status RunConcat(OpKernelContext& ctx) {
  std::vector<Tensor> inputs;
  for (const Tensor* t : ctx.operands) {
    if (t == nullptr) return Status::Error("concat: an operand is missing");
    inputs.push_back(*t);
  }
  return SetResult(ctx, 0, Concat(inputs, ctx.op.attrs().GetInt("axis", 0)));
}

// Sizes from the optional `split` operand, else equal pieces, one per result.
Status RunSplit(OpKernelContext& ctx) {
  const Tensor& x = *ctx.operand(0);
  int64_t axis = ctx.op.attrs().GetInt("axis", 0);
  std::vector<int64_t> sizes;
  if (ctx.operand(1) != nullptr) {
    Expected<std::vector<int64_t>> s = OperandInts(ctx, 1, "split sizes");
    if (!s) return s.error();
    sizes = std::move(*s);
  } else {
    if (axis < -x.rank() || axis >= x.rank()) {
      return Status::Error("split: axis " + std::to_string(axis) + " is out of range");
    }
    int64_t dim = x.dim(static_cast<int>(axis < 0 ? axis + x.rank() : axis));
    rt::Result<std::vector<int64_t>> equal = EqualSplitSizes(dim, ctx.op.num_results());
    if (!equal.ok()) return FromRt(equal.status());
    sizes = std::move(*equal);
  }
  if (static_cast<int>(sizes.size()) != ctx.op.num_results()) {
    return Status::Error("split: " + std::to_string(sizes.size()) + " sizes for " +
                         std::to_string(ctx.op.num_results()) + " results");
  }
  rt::Result<std::vector<Tensor>> parts = Split(x, axis, sizes);
  if (!parts.ok()) return FromRt(parts.status());
  for (size_t i = 0; i < parts->size(); ++i) ctx.results[i] = std::move((*parts)[i]);
  return Status::Ok();
}

Status RunSlice(OpKernelContext& ctx) {
  SliceParams p;
  Expected<std::vector<int64_t>> starts = OperandInts(ctx, 1, "slice starts");
  if (!starts) return starts.error();
  Expected<std::vector<int64_t>> ends = OperandInts(ctx, 2, "slice ends");
  if (!ends) return ends.error();
  p.starts = std::move(*starts);
  p.ends = std::move(*ends);
  if (ctx.operand(3) != nullptr) {
    Expected<std::vector<int64_t>> axes = OperandInts(ctx, 3, "slice axes");
    if (!axes) return axes.error();
    p.axes = std::move(*axes);
  }
  if (ctx.operand(4) != nullptr) {
    Expected<std::vector<int64_t>> steps = OperandInts(ctx, 4, "slice steps");
    if (!steps) return steps.error();
    p.steps = std::move(*steps);
  }
  return SetResult(ctx, 0, Slice(*ctx.operand(0), p));
}

Status RunGather(OpKernelContext& ctx) {
  return SetResult(ctx, 0,
                   Gather(*ctx.operand(0), *ctx.operand(1), ctx.op.attrs().GetInt("axis", 0)));
}

Status RunGatherElements(OpKernelContext& ctx) {
  return SetResult(
      ctx, 0, GatherElements(*ctx.operand(0), *ctx.operand(1), ctx.op.attrs().GetInt("axis", 0)));
}

Status RunPad(OpKernelContext& ctx) {
  rt::Result<PadMode> mode = ParsePadMode(ctx.op.attrs().GetString("mode", "constant"));
  if (!mode.ok()) return FromRt(mode.status());
  Expected<std::vector<int64_t>> pads = OperandInts(ctx, 1, "pad pads");
  if (!pads) return pads.error();
  std::vector<int64_t> axes;
  if (ctx.operand(3) != nullptr) {
    Expected<std::vector<int64_t>> a = OperandInts(ctx, 3, "pad axes");
    if (!a) return a.error();
    axes = std::move(*a);
  }
  // An empty constant_value tensor means the default, zero.
  const Tensor* value = ctx.operand(2);
  if (value != nullptr && value->num_elements() == 0) value = nullptr;
  return SetResult(ctx, 0, Pad(*ctx.operand(0), *pads, axes, *mode, value));
}

Status RunExpand(OpKernelContext& ctx) {
  Expected<std::vector<int64_t>> shape = OperandInts(ctx, 1, "expand shape");
  if (!shape) return shape.error();
  return SetResult(ctx, 0, Expand(*ctx.operand(0), *shape));
}

Status RunTile(OpKernelContext& ctx) {
  Expected<std::vector<int64_t>> repeats = OperandInts(ctx, 1, "tile repeats");
  if (!repeats) return repeats.error();
  return SetResult(ctx, 0, Tile(*ctx.operand(0), *repeats));
}

Status RunDepthToSpace(OpKernelContext& ctx) {
  rt::Result<DepthToSpaceMode> mode =
      ParseDepthToSpaceMode(ctx.op.attrs().GetString("mode", "DCR"));
  if (!mode.ok()) return FromRt(mode.status());
  return SetResult(ctx, 0,
                   DepthToSpace(*ctx.operand(0), ctx.op.attrs().GetInt("blocksize", 0), *mode));
}

Status RunSpaceToDepth(OpKernelContext& ctx) {
  return SetResult(ctx, 0, SpaceToDepth(*ctx.operand(0), ctx.op.attrs().GetInt("blocksize", 0)));
}

}  // namespace

void RegisterCopyOps(OpKernelTable& table) {
  table.Register(ir::OpKind::kTranspose, RunTranspose);
  table.Register(ir::OpKind::kConcat, RunConcat);
  table.Register(ir::OpKind::kSplit, RunSplit);
  table.Register(ir::OpKind::kSlice, RunSlice);
  table.Register(ir::OpKind::kGather, RunGather);
  table.Register(ir::OpKind::kGatherElements, RunGatherElements);
  table.Register(ir::OpKind::kPad, RunPad);
  table.Register(ir::OpKind::kExpand, RunExpand);
  table.Register(ir::OpKind::kTile, RunTile);
  table.Register(ir::OpKind::kDepthToSpace, RunDepthToSpace);
  table.Register(ir::OpKind::kSpaceToDepth, RunSpaceToDepth);
}

}  // namespace kiln::ref
