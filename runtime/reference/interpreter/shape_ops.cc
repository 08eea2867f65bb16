// Op kernels that change only a shape (sharing storage) or compute shapes and index ranges:
// identity, dropout, reshape, flatten, squeeze, unsqueeze, shape, size, constant_of_shape, range.
#include <algorithm>
#include <cstring>

#include "runtime/reference/interpreter/movement_ops.h"
#include "runtime/reference/kernels/fill.h"
#include "runtime/reference/kernels/range.h"
#include "runtime/reference/kernels/reshape.h"

namespace kiln::ref {
namespace {

Status RunIdentity(OpKernelContext& ctx) {
  ctx.results[0] = *ctx.operand(0);
  return Status::Ok();
}

// Inference only: the data passes through and the optional mask is all true. Training mode
// (random dropping) is refused unless its ratio is 0.
Status RunDropout(OpKernelContext& ctx) {
  const Tensor* training = ctx.operand(2);
  if (training != nullptr && training->num_elements() == 1 && training->dtype() == DType::kBool &&
      *training->data<uint8_t>() != 0) {
    const Tensor* ratio = ctx.operand(1);
    bool zero_ratio = ratio != nullptr && ratio->dtype() == DType::kF32 &&
                      ratio->num_elements() == 1 && *ratio->data<float>() == 0.0f;
    if (!zero_ratio) return Status::Error("dropout in training mode is not supported");
  }
  ctx.results[0] = *ctx.operand(0);
  if (ctx.op.num_results() > 1) {
    rt::Result<Tensor> mask = Tensor::Empty(DType::kBool, ctx.operand(0)->shape());
    if (!mask.ok()) return FromRt(mask.status());
    if (mask->num_bytes() > 0) std::memset(mask->mutable_raw(), 1, mask->num_bytes());
    ctx.results[1] = std::move(*mask);
  }
  return Status::Ok();
}

Status SetView(OpKernelContext& ctx, rt::Result<Shape> shape) {
  if (!shape.ok()) return FromRt(shape.status());
  ctx.results[0] = ctx.operand(0)->WithShape(std::move(*shape));
  return Status::Ok();
}

Status RunReshape(OpKernelContext& ctx) {
  Expected<std::vector<int64_t>> spec = OperandInts(ctx, 1, "reshape shape");
  if (!spec) return spec.error();
  bool allowzero = ctx.op.attrs().GetInt("allowzero", 0) != 0;
  return SetView(ctx, ReshapeShape(ctx.operand(0)->shape(), *spec, allowzero));
}

Status RunFlatten(OpKernelContext& ctx) {
  return SetView(ctx, FlattenShape(ctx.operand(0)->shape(), ctx.op.attrs().GetInt("axis", 1)));
}

Status RunSqueeze(OpKernelContext& ctx) {
  return SetView(ctx, SqueezeShape(ctx.operand(0)->shape(), ctx.op.attrs().GetInts("axes")));
}

Status RunUnsqueeze(OpKernelContext& ctx) {
  return SetView(ctx, UnsqueezeShape(ctx.operand(0)->shape(), ctx.op.attrs().GetInts("axes")));
}

// ONNX Shape with start/end: both clamped to [0, rank] after adding rank to negatives.
Status RunShape(OpKernelContext& ctx) {
  const Shape& shape = ctx.operand(0)->shape();
  int64_t rank = static_cast<int64_t>(shape.size());
  auto clamp = [rank](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank); };
  int64_t start = clamp(ctx.op.attrs().GetInt("start", 0));
  int64_t end = clamp(ctx.op.attrs().GetInt("end", rank));
  std::vector<int64_t> dims;
  for (int64_t i = start; i < end; ++i) dims.push_back(shape[i]);
  int64_t n = static_cast<int64_t>(dims.size());
  ctx.results[0] = Tensor::FromVector<int64_t>(DType::kI64, {n}, dims);
  return Status::Ok();
}

Status RunSize(OpKernelContext& ctx) {
  ctx.results[0] = Tensor::FromVector<int64_t>(DType::kI64, {}, {ctx.operand(0)->num_elements()});
  return Status::Ok();
}

Status RunConstantOfShape(OpKernelContext& ctx) {
  Expected<std::vector<int64_t>> shape = OperandInts(ctx, 0, "constant_of_shape shape");
  if (!shape) return shape.error();
  for (int64_t d : *shape) {
    if (d < 0) return Status::Error("constant_of_shape: negative dim " + std::to_string(d));
  }
  return SetResult(
      ctx, 0,
      Fill(DTypeOf(ctx.result_type().scalar()), *shape, ctx.op.attrs().GetFloat("value", 0.0)));
}

Status RunRange(OpKernelContext& ctx) {
  return SetResult(ctx, 0, Range(*ctx.operand(0), *ctx.operand(1), *ctx.operand(2)));
}

}  // namespace

void RegisterShapeOps(OpKernelTable& table) {
  table.Register(ir::OpKind::kIdentity, RunIdentity);
  table.Register(ir::OpKind::kDropout, RunDropout);
  table.Register(ir::OpKind::kReshape, RunReshape);
  table.Register(ir::OpKind::kFlatten, RunFlatten);
  table.Register(ir::OpKind::kSqueeze, RunSqueeze);
  table.Register(ir::OpKind::kUnsqueeze, RunUnsqueeze);
  table.Register(ir::OpKind::kShape, RunShape);
  table.Register(ir::OpKind::kSize, RunSize);
  table.Register(ir::OpKind::kConstantOfShape, RunConstantOfShape);
  table.Register(ir::OpKind::kRange, RunRange);
}

}  // namespace kiln::ref
