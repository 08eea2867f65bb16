// layer_norm and batch_norm (inference) on oneDNN's normalization primitives, with scale and
// shift (use_scale / use_shift). layer_norm normalizes x.shape[axis:] as one row: plain layout,
// viewed as [outer, inner]. batch_norm uses the given statistics (use_global_stats) and keeps
// its input's layout.
#include <memory>
#include <string>

#include "runtime/cloud/dnnl_broadcast.h"
#include "runtime/cloud/dnnl_kernel.h"
#include "runtime/cloud/dnnl_kernels.h"

namespace kiln::cloud {
namespace {

constexpr double kDefaultEpsilon = 1e-5;

using dnnl::normalization_flags;

class LayerNormKernel final : public DnnlKernel {
 protected:
  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    if (rt::Status s = CheckF32(ctx, 0, 1, DNNL_MAX_NDIMS); !s.ok()) return s;
    for (size_t i = 1; i < ctx.outputs.size(); ++i) {
      if (ctx.outputs[i] != nullptr)
        return Error("the mean and inv_std_dev results are not supported");
    }
    const TensorInfo& x = *ctx.inputs[0];
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    rt::Result<int64_t> axis = ctx.attrs.Int("axis", -1);
    if (!axis.ok()) return axis.status();
    rt::Result<double> epsilon = ctx.attrs.Float("epsilon", kDefaultEpsilon);
    if (!epsilon.ok()) return epsilon.status();
    const int64_t a = *axis < 0 ? *axis + rank : *axis;
    if (a < 0 || a >= rank) {
      return Error("axis " + std::to_string(*axis) + " is out of range for rank " +
                   std::to_string(rank));
    }
    const Dims normalized(x.dims.begin() + a, x.dims.end());
    const int64_t inner = NumElements(normalized);
    const int64_t outer = NumElements(x.dims) / (inner > 0 ? inner : 1);
    ctx.required[0] = PlainDesc(x.dims, rt::DType::kF32);
    if (rt::Status s = SetOutput(ctx, 0, x.dims, ctx.required[0]); !s.ok()) return s;
    empty_ = NumElements(x.dims) == 0;
    if (empty_) return rt::Status::Ok();

    const memory::desc data = PlainDesc({outer, inner}, rt::DType::kF32);
    const memory::desc param = PlainDesc({inner}, rt::DType::kF32);
    normalization_flags flags = normalization_flags::none;
    const TensorInfo* scale = Input(ctx, 1);
    const TensorInfo* shift = Input(ctx, 2);
    if (scale != nullptr) flags |= normalization_flags::use_scale;
    if (shift != nullptr) flags |= normalization_flags::use_shift;
    dnnl::layer_normalization_forward::desc desc(dnnl::prop_kind::forward_inference, data,
                                                 static_cast<float>(*epsilon), flags);
    dnnl::layer_normalization_forward::primitive_desc pd(desc, Attr(), CpuEngine());
    norm_ = BoundPrimitive(dnnl::layer_normalization_forward(pd));
    norm_.Bind(DNNL_ARG_SRC, data);
    norm_.Bind(DNNL_ARG_DST, data);
    for (auto [i, arg] : {std::pair{1, DNNL_ARG_SCALE}, std::pair{2, DNNL_ARG_SHIFT}}) {
      const TensorInfo* p = Input(ctx, i);
      if (p == nullptr) continue;
      if (rt::Status s = BindParam(ctx, i, normalized, param, arg); !s.ok()) return s;
    }
    UseScratchpad(ctx, pd.scratchpad_desc(), norm_);
    return rt::Status::Ok();
  }

  rt::Status RunDnnl(const RunContext& ctx) override {
    if (empty_) return rt::Status::Ok();
    norm_.Set(DNNL_ARG_SRC, ctx.inputs[0]);
    norm_.Set(DNNL_ARG_DST, ctx.outputs[0]);
    if (ctx.inputs.size() > 1) norm_.Set(DNNL_ARG_SCALE, ctx.inputs[1]);
    if (ctx.inputs.size() > 2) norm_.Set(DNNL_ARG_SHIFT, ctx.inputs[2]);
    norm_.Set(DNNL_ARG_SCRATCHPAD, ctx.scratchpad);
    norm_.Execute(ctx.stream);
    return rt::Status::Ok();
  }

 private:
  // Scale or shift: used as it is when it has one value per normalized element, else (a
  // constant that broadcasts, such as [D] for a normalized [T, D]) expanded once.
  rt::Status BindParam(const PrepareContext& ctx, int i, const Dims& normalized,
                       const memory::desc& param, int arg) {
    const TensorInfo& p = *ctx.inputs[i];
    if (rt::Status s = CheckF32(ctx, i, 0, DNNL_MAX_NDIMS); !s.ok()) return s;
    std::vector<Dims> shapes = {p.dims, normalized};
    rt::Result<Dims> b = BroadcastDims(shapes);
    if (!b.ok() || *b != normalized) {
      return Error("input " + std::to_string(i) + " has shape " + DimsString(p.dims) +
                   ", which does not broadcast to the normalized shape " + DimsString(normalized));
    }
    ctx.required[i] = PlainDesc(p.dims, rt::DType::kF32);
    if (NumElements(p.dims) == NumElements(normalized)) {
      norm_.Bind(arg, param, p.data);  // per run unless constant
      return rt::Status::Ok();
    }
    if (!p.is_constant()) {
      return Error("input " + std::to_string(i) + " of shape " + DimsString(p.dims) +
                   " broadcasts to " + DimsString(normalized) + ", which needs a constant");
    }
    memory expanded(param, CpuEngine());
    BroadcastCopy(static_cast<const float*>(p.data), p.dims,
                  static_cast<float*>(expanded.get_data_handle()), normalized);
    norm_.Bind(arg, expanded);
    return rt::Status::Ok();
  }

  BoundPrimitive norm_;
  bool empty_ = false;
};

// batch_norm(x, scale, bias, mean, var), inference form: x [N, C, ...], the rest [C].
class BatchNormKernel final : public DnnlKernel {
 public:
  bool ReadsBlocked(int input) const override { return input == 0; }

 protected:
  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    if (rt::Status s = CheckF32(ctx, 0, 2, 5); !s.ok()) return s;
    rt::Result<int64_t> training = ctx.attrs.Int("training_mode", 0);
    if (!training.ok()) return training.status();
    bool extra_outputs = false;
    for (size_t i = 1; i < ctx.outputs.size(); ++i) extra_outputs |= ctx.outputs[i] != nullptr;
    if (*training != 0 || extra_outputs) {
      return Error("batch_norm in training mode is not supported (inference only)");
    }
    rt::Result<double> epsilon = ctx.attrs.Float("epsilon", kDefaultEpsilon);
    if (!epsilon.ok()) return epsilon.status();
    const TensorInfo& x = *ctx.inputs[0];
    const int64_t c = x.dims[1];
    for (int i = 1; i <= 4; ++i) {
      if (rt::Status s = CheckF32(ctx, i, 1, 1); !s.ok()) return s;
      if (ctx.inputs[i]->dims[0] != c) {
        return Error("input " + std::to_string(i) + " has shape " +
                     DimsString(ctx.inputs[i]->dims) + ", expected [" + std::to_string(c) + "]");
      }
      ctx.required[i] = PlainDesc({c}, rt::DType::kF32);
    }
    const memory::desc layout = KeepLayout(ctx, 0, 0);
    if (rt::Status s = SetOutput(ctx, 0, x.dims, layout); !s.ok()) return s;
    empty_ = NumElements(x.dims) == 0;
    if (empty_) return rt::Status::Ok();
    const normalization_flags flags = normalization_flags::use_global_stats |
                                      normalization_flags::use_scale |
                                      normalization_flags::use_shift;
    dnnl::batch_normalization_forward::desc desc(dnnl::prop_kind::forward_inference, layout,
                                                 static_cast<float>(*epsilon), flags);
    dnnl::batch_normalization_forward::primitive_desc pd(desc, Attr(), CpuEngine());
    norm_ = BoundPrimitive(dnnl::batch_normalization_forward(pd));
    norm_.Bind(DNNL_ARG_SRC, layout);
    norm_.Bind(DNNL_ARG_DST, layout);
    const memory::desc param = PlainDesc({c}, rt::DType::kF32);
    for (int i = 1; i <= 4; ++i) norm_.Bind(kArgs[i], param, ctx.inputs[i]->data);
    UseScratchpad(ctx, pd.scratchpad_desc(), norm_);
    return rt::Status::Ok();
  }

  rt::Status RunDnnl(const RunContext& ctx) override {
    if (empty_) return rt::Status::Ok();
    norm_.Set(DNNL_ARG_SRC, ctx.inputs[0]);
    norm_.Set(DNNL_ARG_DST, ctx.outputs[0]);
    for (int i = 1; i <= 4; ++i) norm_.Set(kArgs[i], ctx.inputs[i]);
    norm_.Set(DNNL_ARG_SCRATCHPAD, ctx.scratchpad);
    norm_.Execute(ctx.stream);
    return rt::Status::Ok();
  }

 private:
  // oneDNN's argument for each input.
  static constexpr int kArgs[5] = {DNNL_ARG_SRC, DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN,
                                   DNNL_ARG_VARIANCE};
  BoundPrimitive norm_;
  bool empty_ = false;
};

}  // namespace

void RegisterDnnlNormKernels(KernelRegistry& registry) {
  registry.Register("layer_norm",
                    [] { return std::unique_ptr<CloudKernel>(new LayerNormKernel()); });
  registry.Register("batch_norm",
                    [] { return std::unique_ptr<CloudKernel>(new BatchNormKernel()); });
}

}  // namespace kiln::cloud
