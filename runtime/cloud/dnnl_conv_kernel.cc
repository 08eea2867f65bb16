// conv: oneDNN convolution (1-D, 2-D, 3-D; grouped, depthwise, strided, dilated, padded) with
// bias, and the residual (input 3, a sum post-op) and the fused activation as post-ops. Source,
// weights and destination layouts are left to oneDNN (format_tag::any); the weights and bias are
// constants, packed once in Prepare.
#include <memory>
#include <string>

#include "runtime/cloud/dnnl_activation.h"
#include "runtime/cloud/dnnl_kernel.h"
#include "runtime/cloud/dnnl_kernels.h"
#include "runtime/cloud/dnnl_window.h"

namespace kiln::cloud {
namespace {

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
    dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
        AnyDesc(x.dims, rt::DType::kF32), AnyDesc(w_dims, rt::DType::kF32), bias_desc, dst_desc,
        win->strides, win->dilations, win->pad_l, win->pad_r);
    dnnl::convolution_forward::primitive_desc pd(desc, Attr(ops), CpuEngine());

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
