// Fallback kernels for softmax, layer_norm, the reduce_* family, global pooling and resize.
#include "runtime/cloud/fallback_kernel.h"
#include "runtime/reference/kernels/layer_norm.h"
#include "runtime/reference/kernels/pool.h"
#include "runtime/reference/kernels/reduce.h"
#include "runtime/reference/kernels/resize.h"
#include "runtime/reference/kernels/softmax.h"

namespace kiln::cloud {
namespace {

using ref::ReduceKind;

template <bool kLog>
FallbackResults RunSoftmax(const FallbackCall& call) {
  rt::Result<int64_t> axis = call.attrs.Int("axis", -1);
  if (!axis.ok()) return axis.status();
  return OneResult(ref::Softmax(*call.inputs[0], *axis, kLog, call.threads));
}

FallbackResults RunLayerNorm(const FallbackCall& call) {
  rt::Result<int64_t> axis = call.attrs.Int("axis", -1);
  if (!axis.ok()) return axis.status();
  rt::Result<double> epsilon = call.attrs.Float("epsilon", 1e-5);
  if (!epsilon.ok()) return epsilon.status();
  // An absent scale multiplies by one.
  const ref::Tensor ones = ref::Tensor::FromVector(rt::DType::kF32, {1}, std::vector<float>{1.0f});
  const ref::Tensor* scale = call.input(1) != nullptr ? call.input(1) : &ones;
  const bool with_stats = call.outputs.size() > 1;
  rt::Result<ref::LayerNormResult> r =
      ref::LayerNorm(*call.inputs[0], *scale, call.input(2), *axis, static_cast<float>(*epsilon),
                     with_stats, call.threads);
  if (!r.ok()) return r.status();
  std::vector<ref::Tensor> results;
  results.push_back(std::move(r->y));
  if (call.outputs.size() > 1) results.push_back(std::move(r->mean));
  if (call.outputs.size() > 2) results.push_back(std::move(r->inv_std_dev));
  return results;
}

template <ReduceKind kKind>
FallbackResults RunReduce(const FallbackCall& call) {
  ref::ReduceParams p;
  rt::Result<std::vector<int64_t>> axes = call.attrs.Ints("axes", {});
  if (!axes.ok()) return axes.status();
  rt::Result<int64_t> keepdims = call.attrs.Int("keepdims", 1);
  if (!keepdims.ok()) return keepdims.status();
  rt::Result<int64_t> noop = call.attrs.Int("noop_with_empty_axes", 0);
  if (!noop.ok()) return noop.status();
  p.axes = std::move(*axes);
  p.keepdims = *keepdims != 0;
  p.noop_with_empty_axes = *noop != 0;
  return OneResult(ref::Reduce(kKind, *call.inputs[0], p));
}

FallbackResults RunGlobalAveragePool(const FallbackCall& call) {
  return OneResult(ref::GlobalAveragePool(*call.inputs[0]));
}

FallbackResults RunGlobalMaxPool(const FallbackCall& call) {
  return OneResult(ref::GlobalMaxPool(*call.inputs[0]));
}

// The f32 values of optional input `i`; empty when absent or empty (ONNX passes an empty
// `scales` when it gives `sizes`).
rt::Result<std::vector<float>> OptionalFloats(const FallbackCall& call, int i, const char* what) {
  const ref::Tensor* t = call.input(i);
  if (t == nullptr || t->num_elements() == 0) return std::vector<float>{};
  if (t->dtype() != rt::DType::kF32) {
    return rt::Status::Error(std::string("resize ") + what + " must be f32");
  }
  return std::vector<float>(t->data<float>(), t->data<float>() + t->num_elements());
}

FallbackResults RunResize(const FallbackCall& call) {
  ref::ResizeParams p;
  rt::Result<std::string_view> mode = call.attrs.String("mode", "");
  rt::Result<std::string_view> transform = call.attrs.String("coordinate_transformation_mode", "");
  rt::Result<std::string_view> nearest = call.attrs.String("nearest_mode", "");
  rt::Result<double> cubic = call.attrs.Float("cubic_coeff_a", -0.75);
  rt::Result<int64_t> exclude = call.attrs.Int("exclude_outside", 0);
  rt::Result<double> extrapolation = call.attrs.Float("extrapolation_value", 0.0);
  for (const rt::Status* s : {&mode.status(), &transform.status(), &nearest.status(),
                              &cubic.status(), &exclude.status(), &extrapolation.status()}) {
    if (!s->ok()) return *s;
  }
  rt::Result<ref::ResizeMode> m = ref::ParseResizeMode(*mode);
  if (!m.ok()) return m.status();
  rt::Result<ref::CoordinateTransform> t = ref::ParseCoordinateTransform(*transform);
  if (!t.ok()) return t.status();
  rt::Result<ref::NearestMode> n = ref::ParseNearestMode(*nearest);
  if (!n.ok()) return n.status();
  p.mode = *m;
  p.coordinate_transform = *t;
  p.nearest_mode = *n;
  p.cubic_coeff_a = *cubic;
  p.exclude_outside = *exclude != 0;
  p.extrapolation_value = *extrapolation;
  rt::Result<std::vector<float>> roi = OptionalFloats(call, 1, "roi");
  if (!roi.ok()) return roi.status();
  rt::Result<std::vector<float>> scales = OptionalFloats(call, 2, "scales");
  if (!scales.ok()) return scales.status();
  p.roi = std::move(*roi);
  std::vector<int64_t> sizes;
  if (call.input(3) != nullptr && call.input(3)->num_elements() > 0) {
    rt::Result<std::vector<int64_t>> s = call.Ints(3, "resize sizes");
    if (!s.ok()) return s.status();
    sizes = std::move(*s);
  }
  return OneResult(ref::Resize(*call.inputs[0], p, *scales, sizes));
}

}  // namespace

void RegisterFallbackNormalizationKernels(KernelRegistry& registry) {
  registry.Register("softmax", MakeFallback<RunSoftmax<false>>);
  registry.Register("log_softmax", MakeFallback<RunSoftmax<true>>);
  registry.Register("layer_norm", MakeFallback<RunLayerNorm>);
  registry.Register("reduce_mean", MakeFallback<RunReduce<ReduceKind::kMean>>);
  registry.Register("reduce_sum", MakeFallback<RunReduce<ReduceKind::kSum>>);
  registry.Register("reduce_max", MakeFallback<RunReduce<ReduceKind::kMax>>);
  registry.Register("reduce_min", MakeFallback<RunReduce<ReduceKind::kMin>>);
  registry.Register("reduce_prod", MakeFallback<RunReduce<ReduceKind::kProd>>);
  registry.Register("reduce_l2", MakeFallback<RunReduce<ReduceKind::kL2>>);
  registry.Register("reduce_sum_square", MakeFallback<RunReduce<ReduceKind::kSumSquare>>);
  registry.Register("reduce_l1", MakeFallback<RunReduce<ReduceKind::kL1>>);
  registry.Register("reduce_log_sum", MakeFallback<RunReduce<ReduceKind::kLogSum>>);
  registry.Register("reduce_log_sum_exp", MakeFallback<RunReduce<ReduceKind::kLogSumExp>>);
  registry.Register("global_average_pool", MakeFallback<RunGlobalAveragePool>);
  registry.Register("global_max_pool", MakeFallback<RunGlobalMaxPool>);
  registry.Register("resize", MakeFallback<RunResize>);
}

}  // namespace kiln::cloud
