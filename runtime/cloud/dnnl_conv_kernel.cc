// conv: oneDNN convolution (1-D, 2-D, 3-D; grouped, depthwise, strided, dilated, padded) with
// bias, and the residual (input 3, a sum post-op) and the fused activation as post-ops. Weights
// layouts are left to oneDNN (format_tag::any), activations too except where ChooseLayouts keeps
// a chain in nChw16c; 3x3 stride-1 convs run Winograd where oneDNN has it. The weights and bias
// are constants, packed once in Prepare.
//
// int8 (an input quantized u8/i8 per tensor, zero point 0; codegen/cloud/cloud_quantized.h):
// i8 weights per tensor or per output channel, zero point 0; the result f32 or u8/i8 per
// tensor, with a residual of its type. oneDNN 2.x adds the bias to the s32 accumulator before
// the output scales, so the bias is packed as f32 in accumulator units (real bias /
// (s_x * s_w[c]); an i32 bias of scale s_x * s_w[c] keeps its codes). The output scales are
// s_x * s_w[c], the residual is a sum post-op of scale s_r and the activation follows, all on
// real values; a quantized result then gets eltwise linear 1/s_y + zp_y. With no activation or
// relu and zp_y = 0, 1/s_y is folded into the output and sum scales instead.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/cloud/dnnl_activation.h"
#include "runtime/cloud/dnnl_kernel.h"
#include "runtime/cloud/dnnl_kernels.h"
#include "runtime/cloud/dnnl_quant.h"
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

bool IsInt8(rt::DType t) { return t == rt::DType::kU8 || t == rt::DType::kI8; }

// How an int8 conv maps its quantization onto oneDNN: output scales (per channel or one),
// the bias in accumulator units, the sum scale and what follows the activation.
struct Int8Plan {
  std::vector<float> output_scales;
  int output_scale_mask = 0;
  std::vector<float> bias;  // empty without a bias
  float sum_scale = 1.0f;
  bool requantize = false;  // eltwise linear (1/s_y, zp_y) after the activation
  float inv_y_scale = 1.0f;
  float y_zero_point = 0.0f;
};

bool OnlyRelu(const EltwiseSteps& steps) {
  return steps.empty() || (steps.size() == 1 && steps[0].alg == dnnl::algorithm::eltwise_relu &&
                           steps[0].alpha == 0);
}

Int8Plan PlanInt8(const TensorInfo& x, const TensorInfo& w, const TensorInfo* b,
                  const TensorInfo* residual, const TensorInfo& y, const EltwiseSteps& activation,
                  int64_t m) {
  Int8Plan plan;
  const float s_x = TensorScale(x);
  const std::vector<float> s_w = ChannelScales(w, m);
  std::vector<float> acc_scale(static_cast<size_t>(m));
  for (int64_t c = 0; c < m; ++c) acc_scale[c] = s_x * s_w[c];
  if (b != nullptr) {
    plan.bias.resize(static_cast<size_t>(m));
    const std::vector<float> s_b =
        b->quant != nullptr ? ChannelScales(*b, m) : std::vector<float>(acc_scale.size(), 1.0f);
    for (int64_t c = 0; c < m; ++c) {
      const float real = b->dtype == rt::DType::kI32
                             ? static_cast<float>(static_cast<const int32_t*>(b->data)[c]) * s_b[c]
                             : static_cast<const float*>(b->data)[c];
      // An i32 bias of scale s_x * s_w[c] keeps its codes exactly.
      plan.bias[c] = b->dtype == rt::DType::kI32 && s_b[c] == acc_scale[c]
                         ? static_cast<float>(static_cast<const int32_t*>(b->data)[c])
                         : real / acc_scale[c];
    }
  }
  float fold = 1.0f;  // 1/s_y when folded into the scales
  if (y.quant != nullptr) {
    const float s_y = TensorScale(y);
    const int32_t zp_y = ZeroPoint(y);
    if (OnlyRelu(activation) && zp_y == 0) {
      fold = 1.0f / s_y;
    } else {
      plan.requantize = true;
      plan.inv_y_scale = 1.0f / s_y;
      plan.y_zero_point = static_cast<float>(zp_y);
    }
  }
  if (residual != nullptr && residual->quant != nullptr) plan.sum_scale = TensorScale(*residual);
  plan.sum_scale *= fold;
  const bool per_channel = w.quant->axis() == 0 && m > 1;
  plan.output_scale_mask = per_channel ? 1 << 1 : 0;
  plan.output_scales = per_channel ? acc_scale : std::vector<float>{acc_scale[0]};
  for (float& v : plan.output_scales) v *= fold;
  return plan;
}

// The int8 operands: u8/i8 input per tensor with zero point 0, constant i8 weights with zero
// point 0, a constant i32 or f32 bias, a result f32 or u8/i8 per tensor and a residual of its
// type (zero point 0). Empty when they are fine, else the problem.
std::string CheckInt8(const TensorInfo& x, const TensorInfo& w, const TensorInfo* b,
                      const TensorInfo* residual, const TensorInfo& y) {
  if (!IsInt8(x.dtype) || !IsPerTensor(x) || ZeroPoint(x) != 0) {
    return "the input must be u8 or i8 quantized per tensor with zero point 0";
  }
  if (w.dtype != rt::DType::kI8 || w.quant == nullptr || !w.is_constant() || w.quant->axis() > 0 ||
      w.quant->block_size() > 0 || !SingleZeroPoint(w) || ZeroPoint(w) != 0) {
    return "the weight must be a constant i8, quantized per tensor or per output channel with "
           "zero point 0";
  }
  if (b != nullptr && (!b->is_constant() || (b->dtype != rt::DType::kF32 &&
                                             (b->dtype != rt::DType::kI32 || b->quant == nullptr ||
                                              !SingleZeroPoint(*b) || ZeroPoint(*b) != 0)))) {
    return "the bias must be a constant f32, or i32 quantized with zero point 0";
  }
  const bool y_int8 = IsInt8(y.dtype) && IsPerTensor(y);
  if (y.dtype != rt::DType::kF32 && !y_int8) {
    return "the result must be f32, or u8/i8 quantized per tensor";
  }
  if (residual != nullptr) {
    const bool same =
        y_int8 ? residual->dtype == y.dtype && IsPerTensor(*residual) && ZeroPoint(*residual) == 0
               : residual->dtype == rt::DType::kF32 && residual->quant == nullptr;
    if (!same) return "the residual must have the result's type (zero point 0 when quantized)";
  }
  return "";
}

class ConvKernel final : public DnnlKernel {
 public:
  bool ReadsBlocked(int input) const override { return input == 0 || input == 3; }

 protected:
  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    const TensorInfo* x0 = Input(ctx, 0);
    const bool int8 = x0 != nullptr && x0->quant != nullptr;
    if (!int8) {
      if (rt::Status s = CheckF32(ctx, 0, 3, 5); !s.ok()) return s;
      if (rt::Status s = CheckConstantF32(ctx, 1); !s.ok()) return s;
    } else if (x0->dims.size() < 3 || x0->dims.size() > 5 || Input(ctx, 1) == nullptr) {
      return Error("an int8 conv needs an input of rank 3 to 5 and a weight");
    }
    const TensorInfo& x = *ctx.inputs[0];
    const TensorInfo& w = *ctx.inputs[1];
    const TensorInfo* b = Input(ctx, 2);
    const TensorInfo& y = *ctx.outputs[0];  // the dtype and quantization the artifact says
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
      if (rt::Status s = int8 ? rt::Status::Ok() : CheckConstantF32(ctx, 2); !s.ok()) return s;
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
      if (rt::Status s =
              int8 ? rt::Status::Ok() : CheckF32(ctx, ResidualCopy::kInput, 0, DNNL_MAX_NDIMS);
          !s.ok()) {
        return s;
      }
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
    if (int8) {
      if (std::string problem = CheckInt8(x, w, b, residual, y); !problem.empty()) {
        return Error(problem);
      }
      return PrepareInt8(ctx, w_dims, out_dims, *win, *activation);
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

  // The int8 convolution: layouts left to oneDNN (nhwc on x86), weights reordered once (with
  // the compensation oneDNN adds for u8 inputs on machines without VNNI).
  rt::Status PrepareInt8(PrepareContext& ctx, const Dims& w_dims, const Dims& out_dims,
                         const DnnlWindow& win, const EltwiseSteps& activation) {
    const TensorInfo& x = *ctx.inputs[0];
    const TensorInfo& w = *ctx.inputs[1];
    const TensorInfo* b = Input(ctx, 2);
    const TensorInfo* residual = Input(ctx, ResidualCopy::kInput);
    const TensorInfo& y = *ctx.outputs[0];
    const int64_t m = w.dims[0];
    const Int8Plan plan = PlanInt8(x, w, b, residual, y, activation, m);

    dnnl::post_ops ops;
    if (residual != nullptr) ops.append_sum(plan.sum_scale);
    AppendEltwisePostOps(activation, ops);
    if (plan.requantize) {
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear, plan.inv_y_scale,
                         plan.y_zero_point);
    }
    dnnl::primitive_attr attr = Attr(ops);
    attr.set_output_scales(plan.output_scale_mask, plan.output_scales);

    // Without int8 dot products, oneDNN's direct (nhwc) int8 kernels saturate 16-bit pair sums
    // of u8 x s8 products (255 * 127 * 2 > 32767); plain layouts run its GEMM-based kernel,
    // which does not. Slower, but exact on every machine.
    const bool plain = MustBePlain(ctx, 0) || !HasInt8DotProduct();
    const memory::desc dst_desc = plain ? PlainDesc(out_dims, y.dtype) : AnyDesc(out_dims, y.dtype);
    const memory::desc src_desc =
        HasInt8DotProduct() ? AnyDesc(x.dims, x.dtype) : PlainDesc(x.dims, x.dtype);
    const memory::desc bias_desc = b != nullptr ? PlainDesc({m}, rt::DType::kF32) : memory::desc();
    dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference,
                                         dnnl::algorithm::convolution_direct, src_desc,
                                         AnyDesc(w_dims, rt::DType::kI8), bias_desc, dst_desc,
                                         win.strides, win.dilations, win.pad_l, win.pad_r);
    const dnnl::convolution_forward::primitive_desc pd(desc, attr, CpuEngine());

    conv_ = BoundPrimitive(dnnl::convolution_forward(pd));
    conv_.Bind(DNNL_ARG_SRC, pd.src_desc());
    conv_.Bind(DNNL_ARG_DST, pd.dst_desc());
    conv_.Bind(DNNL_ARG_WEIGHTS,
               PackConstant(w.data, PlainDesc(w_dims, rt::DType::kI8), pd.weights_desc()));
    if (b != nullptr)
      conv_.Bind(DNNL_ARG_BIAS, PackConstant(plan.bias.data(), bias_desc, bias_desc));
    UseScratchpad(ctx, pd.scratchpad_desc(), conv_);
    ctx.required[0] = pd.src_desc();
    residual_.Reset();
    if (residual != nullptr) {
      residual_.Prepare(pd.dst_desc());
      ctx.required[ResidualCopy::kInput] = pd.dst_desc();
    }
    return SetOutput(ctx, 0, out_dims, pd.dst_desc(), y.dtype);
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
