// Op kernels for lrn, max_unpool, grid_sample, roi_align and non_max_suppression.
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/grid_sample.h"
#include "runtime/reference/kernels/int64_values.h"
#include "runtime/reference/kernels/lrn.h"
#include "runtime/reference/kernels/max_unpool.h"
#include "runtime/reference/kernels/non_max_suppression.h"
#include "runtime/reference/kernels/roi_align.h"

namespace kiln::ref {
namespace {

Status CheckOperands(const OpKernelContext& ctx, int required) {
  for (int i = 0; i < required; ++i) {
    if (ctx.operand(i) == nullptr) {
      return Status::Error("operand " + std::to_string(i) + " is missing");
    }
  }
  return Status::Ok();
}

// The single value of an optional scalar operand (a scalar or a one-element tensor).
template <typename T>
Expected<std::optional<T>> OptionalScalar(const OpKernelContext& ctx, int i, const char* what) {
  const Tensor* t = ctx.operand(i);
  if (t == nullptr) return std::optional<T>();
  if (t->num_elements() != 1) {
    return Status::Error(std::string(what) + " must have one element, got " +
                         ShapeString(t->shape()));
  }
  if constexpr (std::is_floating_point_v<T>) {
    if (t->dtype() == DType::kF32) return std::optional<T>(t->data<float>()[0]);
    if (t->dtype() == DType::kF64) return std::optional<T>(t->data<double>()[0]);
    return Status::Error(std::string(what) + " must be f32 or f64");
  } else {
    rt::Result<std::vector<int64_t>> v = ReadInt64Values(*t, what);
    if (!v.ok()) return FromRt(v.status());
    return std::optional<T>((*v)[0]);
  }
}

Status RunLrn(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 1); !s.ok()) return s;
  const ir::AttrMap& attrs = ctx.op.attrs();
  LrnParams p;
  p.alpha = static_cast<float>(attrs.GetFloat("alpha", p.alpha));
  p.beta = static_cast<float>(attrs.GetFloat("beta", p.beta));
  p.bias = static_cast<float>(attrs.GetFloat("bias", p.bias));
  p.size = attrs.GetInt("size", 0);
  return SetResult(ctx, Lrn(*ctx.operand(0), p, ctx.threads));
}

Status RunMaxUnpool(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 2); !s.ok()) return s;
  const ir::AttrMap& attrs = ctx.op.attrs();
  MaxUnpoolParams p{.kernel_shape = attrs.GetInts("kernel_shape"),
                    .pads = attrs.GetInts("pads"),
                    .strides = attrs.GetInts("strides")};
  std::optional<Shape> output_shape;
  if (const Tensor* t = ctx.operand(2)) {
    rt::Result<std::vector<int64_t>> dims = ReadInt64Values(*t, "output_shape");
    if (!dims.ok()) return FromRt(dims.status());
    output_shape = std::move(*dims);
  }
  return SetResult(
      ctx, MaxUnpool(*ctx.operand(0), *ctx.operand(1), output_shape ? &*output_shape : nullptr, p));
}

Status RunGridSample(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 2); !s.ok()) return s;
  const ir::AttrMap& attrs = ctx.op.attrs();
  rt::Result<GridSampleMode> mode = ParseGridSampleMode(attrs.GetString("mode"));
  if (!mode.ok()) return FromRt(mode.status());
  rt::Result<GridSamplePadding> padding = ParseGridSamplePadding(attrs.GetString("padding_mode"));
  if (!padding.ok()) return FromRt(padding.status());
  GridSampleParams p{
      .mode = *mode, .padding = *padding, .align_corners = attrs.GetInt("align_corners", 0) != 0};
  return SetResult(ctx, GridSample(*ctx.operand(0), *ctx.operand(1), p, ctx.threads));
}

Status RunRoiAlign(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 3); !s.ok()) return s;
  const ir::AttrMap& attrs = ctx.op.attrs();
  RoiAlignParams p;
  rt::Status modes = ParseRoiAlignModes(attrs.GetString("mode"),
                                        attrs.GetString("coordinate_transformation_mode"), p);
  if (!modes.ok()) return FromRt(modes);
  p.output_height = attrs.GetInt("output_height", 1);
  p.output_width = attrs.GetInt("output_width", 1);
  p.sampling_ratio = attrs.GetInt("sampling_ratio", 0);
  p.spatial_scale = static_cast<float>(attrs.GetFloat("spatial_scale", 1.0));
  return SetResult(ctx,
                   RoiAlign(*ctx.operand(0), *ctx.operand(1), *ctx.operand(2), p, ctx.threads));
}

Status RunNonMaxSuppression(OpKernelContext& ctx) {
  if (Status s = CheckOperands(ctx, 2); !s.ok()) return s;
  Expected<std::optional<int64_t>> max_boxes =
      OptionalScalar<int64_t>(ctx, 2, "max_output_boxes_per_class");
  if (!max_boxes) return max_boxes.error();
  Expected<std::optional<float>> iou = OptionalScalar<float>(ctx, 3, "iou_threshold");
  if (!iou) return iou.error();
  Expected<std::optional<float>> score = OptionalScalar<float>(ctx, 4, "score_threshold");
  if (!score) return score.error();
  NmsParams p{.max_output_boxes_per_class = max_boxes->value_or(0),
              .iou_threshold = iou->value_or(0.0f),
              .score_threshold = *score,
              .center_point_box = ctx.op.attrs().GetInt("center_point_box", 0) != 0};
  return SetResult(ctx, NonMaxSuppression(*ctx.operand(0), *ctx.operand(1), p));
}

}  // namespace

void RegisterVisionOps(OpKernelTable& table) {
  table.Register(ir::OpKind::kLRN, RunLrn);
  table.Register(ir::OpKind::kMaxUnpool, RunMaxUnpool);
  table.Register(ir::OpKind::kGridSample, RunGridSample);
  table.Register(ir::OpKind::kRoiAlign, RunRoiAlign);
  table.Register(ir::OpKind::kNonMaxSuppression, RunNonMaxSuppression);
}

}  // namespace kiln::ref
