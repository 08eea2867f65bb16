// The resize op kernel: reads the ONNX attributes and the optional roi / scales / sizes operands.
#include "runtime/reference/interpreter/movement_ops.h"
#include "runtime/reference/kernels/resize.h"

namespace kiln::ref {
namespace {

// The f32 values of an optional operand; empty when absent or empty (ONNX passes an empty
// `scales` when it gives `sizes`).
Expected<std::vector<float>> OptionalFloats(const OpKernelContext& ctx, int i, const char* what) {
  const Tensor* t = ctx.operand(i);
  if (t == nullptr || t->num_elements() == 0) return std::vector<float>{};
  if (t->dtype() != DType::kF32) {
    return Status::Error(std::string("resize ") + what + " must be f32, got " +
                         std::string(rt::DTypeName(t->dtype())));
  }
  return std::vector<float>(t->data<float>(), t->data<float>() + t->num_elements());
}

Status RunResize(OpKernelContext& ctx) {
  const ir::AttrMap& attrs = ctx.op.attrs();
  ResizeParams p;
  rt::Result<ResizeMode> mode = ParseResizeMode(attrs.GetString("mode"));
  if (!mode.ok()) return FromRt(mode.status());
  rt::Result<CoordinateTransform> transform =
      ParseCoordinateTransform(attrs.GetString("coordinate_transformation_mode"));
  if (!transform.ok()) return FromRt(transform.status());
  rt::Result<NearestMode> nearest = ParseNearestMode(attrs.GetString("nearest_mode"));
  if (!nearest.ok()) return FromRt(nearest.status());
  p.mode = *mode;
  p.coordinate_transform = *transform;
  p.nearest_mode = *nearest;
  p.cubic_coeff_a = attrs.GetFloat("cubic_coeff_a", -0.75);
  p.exclude_outside = attrs.GetInt("exclude_outside", 0) != 0;
  p.extrapolation_value = attrs.GetFloat("extrapolation_value", 0.0);

  Expected<std::vector<float>> roi = OptionalFloats(ctx, 1, "roi");
  if (!roi) return roi.error();
  Expected<std::vector<float>> scales = OptionalFloats(ctx, 2, "scales");
  if (!scales) return scales.error();
  p.roi = std::move(*roi);
  std::vector<int64_t> sizes;
  const Tensor* sizes_tensor = ctx.operand(3);
  if (sizes_tensor != nullptr && sizes_tensor->num_elements() > 0) {
    Expected<std::vector<int64_t>> s = OperandInts(ctx, 3, "resize sizes");
    if (!s) return s.error();
    sizes = std::move(*s);
  }
  return SetResult(ctx, 0, Resize(*ctx.operand(0), p, *scales, sizes));
}

}  // namespace

void RegisterResizeOps(OpKernelTable& table) { table.Register(ir::OpKind::kResize, RunResize); }

}  // namespace kiln::ref
