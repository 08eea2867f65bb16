// conv: oneDNN convolution (1-D, 2-D, 3-D; grouped, depthwise, strided, dilated, padded) with
// bias, and the residual (input 3, a sum post-op) and the fused activation as post-ops. Weights
// layouts are left to oneDNN (format_tag::any), activations too except where ChooseLayouts keeps
// a chain in nChw16c; 3x3 stride-1 convs run Winograd where oneDNN has it. The weights and bias
// are constants, packed once in Prepare.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "runtime/cloud/dnnl_activation.h"
#include "runtime/cloud/dnnl_kernel.h"
#include "runtime/cloud/dnnl_kernels.h"
#include "runtime/cloud/dnnl_window.h"

namespace kiln::cloud {
namespace {

// The activation layouts a conv asks oneDNN for. Left to oneDNN (format_tag::any), an AVX-512
// machine runs most convs in nhwc, but its Winograd kernel only in nChw16c; a chain of convs
// that switched between them would reorder at every switch. So on AVX-512 a group-1 2-D conv
// asks for nChw16c when it will run Winograd or its input or residual already is nChw16c (their
// producers chose it), and otherwise leaves the choice to oneDNN: after a model's first
// Winograd conv the rest of the chain stays in nChw16c, and a model without one is untouched.
struct ConvLayouts {
  memory::desc src, dst;
};

ConvLayouts ChooseLayouts(const TensorInfo& x, const TensorInfo* residual, const Dims& y,
                          int64_t group, bool winograd, const memory::desc& dst_desc) {
  ConvLayouts l{AnyDesc(x.dims, rt::DType::kF32), dst_desc};
  if (group != 1 || x.dims.size() != 4 || !HasAvx512Core()) return l;
  const auto blocked = [](const Dims& dims) {
    return memory::desc(dims, memory::data_type::f32, memory::format_tag::nChw16c);
  };
  const bool input_blocked = SameLayout(x.desc, blocked(x.dims)) ||
                             (residual != nullptr && SameLayout(residual->desc, blocked(y)));
  if (!winograd && !input_blocked) return l;
  if (x.dims[1] % 16 == 0) l.src = blocked(x.dims);
  if (dst_desc.data.format_kind == dnnl_format_kind_any) l.dst = blocked(y);
  return l;
}

// 3x3, stride 1, no dilation: where oneDNN's Winograd convolution (F(2x2, 3x3) on AVX-512) does
// 2.25x fewer multiplications than the direct one. Its results differ from the direct
// convolution's in rounding only (relative error ~1e-6 on resnet50's logits).
bool IsWinogradShape(const Dims& kernel, const DnnlWindow& win) {
  const auto all = [](const memory::dims& v, int64_t value) {
    return std::all_of(v.begin(), v.end(), [&](int64_t d) { return d == value; });
  };
  return kernel == Dims{3, 3} && all(win.strides, 1) && all(win.dilations, 0);
}

// make_pd(algorithm), or nullopt when oneDNN has no implementation for it here (Winograd needs
// AVX-512 and supports some post-ops only) or only its reference one.
template <typename MakePd>
auto TryCreate(const MakePd& make_pd, dnnl::algorithm algorithm)
    -> std::optional<decltype(make_pd(algorithm))> {
  try {
    auto pd = make_pd(algorithm);
    if (IsReferenceImpl(pd)) return std::nullopt;
    return pd;
  } catch (const dnnl::error&) {
    return std::nullopt;
  }
}

class ConvKernel final : public DnnlKernel {
 public:
  bool ReadsBlocked(int input) const override { return input == 0 || input == 3; }

 protected:
  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    if (rt::Status s = CheckF32(ctx, 0, 3, 5); !s.ok()) return s;
    if (rt::Status s = CheckConstantF32(ctx, 1); !s.ok()) return s;
    const TensorInfo& x = *ctx.inputs[0];
    const TensorInfo& w = *ctx.inputs[1];
    const TensorInfo* b = Input(ctx, 2);
    const int rank = static_cast<int>(x.dims.size());
    if (w.dims.size() != x.dims.size()) {
      return Error("the weight has shape " + DimsString(w.dims) + ", expected rank " +
                   std::to_string(rank) + " like the input " + DimsString(x.dims));
    }
    rt::Result<int64_t> group = ctx.attrs.Int("group", 1);
    if (!group.ok()) return group.status();
    const int64_t g = *group, c = x.dims[1], m = w.dims[0];
    if (g < 1 || m % g != 0 || c != w.dims[1] * g) {
      return Error("input " + DimsString(x.dims) + ", weight " + DimsString(w.dims) +
                   " and group " + std::to_string(g) + " do not agree");
    }
    const Dims kernel(w.dims.begin() + 2, w.dims.end());
    rt::Result<std::vector<int64_t>> kernel_shape = ctx.attrs.Ints("kernel_shape", kernel);
    if (!kernel_shape.ok()) return kernel_shape.status();
    if (*kernel_shape != kernel) {
      return Error("kernel_shape " + DimsString(*kernel_shape) + " differs from the weight's " +
                   DimsString(kernel));
    }
    if (b != nullptr) {
      if (rt::Status s = CheckConstantF32(ctx, 2); !s.ok()) return s;
      if (NumElements(b->dims) != m || b->dims.size() != 1) {
        return Error("the bias has shape " + DimsString(b->dims) + ", expected [" +
                     std::to_string(m) + "]");
      }
    }
    rt::Result<DnnlWindow> win = ResolveDnnlWindow(
        ctx.attrs, Dims(x.dims.begin() + 2, x.dims.end()), kernel, false, where());
    if (!win.ok()) return win.status();
    rt::Result<EltwiseSteps> activation = FusedActivationSteps(ctx.attrs, where());
    if (!activation.ok()) return activation.status();

    Dims out_dims = {x.dims[0], m};
    out_dims.insert(out_dims.end(), win->out.begin(), win->out.end());
    const TensorInfo* residual = Input(ctx, ResidualCopy::kInput);
    if (residual != nullptr) {
      if (rt::Status s = CheckF32(ctx, ResidualCopy::kInput, 0, DNNL_MAX_NDIMS); !s.ok()) return s;
      if (residual->dims != out_dims) {
        return Error("the residual has shape " + DimsString(residual->dims) +
                     ", but the result has " + DimsString(out_dims));
      }
    }
    Dims w_dims = w.dims;
    if (g > 1) {  // oneDNN's grouped weights: [G, M/G, C/G, K...], the same bytes
      w_dims = {g, m / g, w.dims[1]};
      w_dims.insert(w_dims.end(), kernel.begin(), kernel.end());
    }
    const memory::desc dst_desc = MustBePlain(ctx, 0) ? PlainDesc(out_dims, rt::DType::kF32)
                                                      : AnyDesc(out_dims, rt::DType::kF32);
    const memory::desc bias_desc = b != nullptr ? PlainDesc({m}, rt::DType::kF32) : memory::desc();

    dnnl::post_ops ops;
    if (residual != nullptr) ops.append_sum(1.0f);
    AppendEltwisePostOps(*activation, ops);
    const dnnl::primitive_attr attr = Attr(ops);
    const bool winograd = g == 1 && IsWinogradShape(kernel, *win);
    const ConvLayouts layouts = ChooseLayouts(x, residual, out_dims, g, winograd, dst_desc);
    auto make_pd = [&](dnnl::algorithm algorithm) {
      dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, algorithm,
                                           layouts.src, AnyDesc(w_dims, rt::DType::kF32), bias_desc,
                                           layouts.dst, win->strides, win->dilations, win->pad_l,
                                           win->pad_r);
      return dnnl::convolution_forward::primitive_desc(desc, attr, CpuEngine());
    };
    std::optional<dnnl::convolution_forward::primitive_desc> wino;
    if (winograd) wino = TryCreate(make_pd, dnnl::algorithm::convolution_winograd);
    const dnnl::convolution_forward::primitive_desc pd =
        wino ? *wino : make_pd(dnnl::algorithm::convolution_direct);

    conv_ = BoundPrimitive(dnnl::convolution_forward(pd));
    conv_.Bind(DNNL_ARG_SRC, pd.src_desc());
    conv_.Bind(DNNL_ARG_DST, pd.dst_desc());
    conv_.Bind(DNNL_ARG_WEIGHTS,
               PackConstant(w.data, PlainDesc(w_dims, rt::DType::kF32), pd.weights_desc()));
    if (b != nullptr) conv_.Bind(DNNL_ARG_BIAS, PackConstant(b->data, bias_desc, bias_desc));
    UseScratchpad(ctx, pd.scratchpad_desc(), conv_);
    ctx.required[0] = pd.src_desc();
    residual_.Reset();
    if (residual != nullptr) {
      residual_.Prepare(pd.dst_desc());
      ctx.required[ResidualCopy::kInput] = pd.dst_desc();
    }
    return SetOutput(ctx, 0, out_dims, pd.dst_desc());
  }

  rt::Status RunDnnl(const RunContext& ctx) override {
    if (residual_.active()) {
      residual_.Copy(ctx.inputs[ResidualCopy::kInput], ctx.outputs[0], ctx.stream);
    }
    conv_.Set(DNNL_ARG_SRC, ctx.inputs[0]);
    conv_.Set(DNNL_ARG_DST, ctx.outputs[0]);
    conv_.Set(DNNL_ARG_SCRATCHPAD, ctx.scratchpad);
    conv_.Execute(ctx.stream);
    return rt::Status::Ok();
  }

 private:
  BoundPrimitive conv_;
  ResidualCopy residual_;
};

}  // namespace

void RegisterDnnlConvKernels(KernelRegistry& registry) {
  registry.Register("conv", [] { return std::unique_ptr<CloudKernel>(new ConvKernel()); });
}

}  // namespace kiln::cloud
