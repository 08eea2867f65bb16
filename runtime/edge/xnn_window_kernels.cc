// NHWC convolutions and pools on XNNPACK: conv (ordinary, grouped, depthwise), max_pool,
// average_pool, global_average_pool. The compiler (codegen/edge) made them NHWC and stored conv
// weights in XNNPACK's layouts: [C_out, kh, kw, C_in/group], or [1, kh, kw, C_out] depthwise.
// conv and max_pool also run quantized (codegen/edge/edge_quantized.h): an i8 conv with i8
// weights per tensor or per output channel and an i32 bias, a max pool on one u8/i8 grid.
#include <string>
#include <vector>

#include "runtime/edge/kernel_registry.h"
#include "runtime/edge/window.h"
#include "runtime/edge/xnn_kernel.h"

namespace kiln::edge {
namespace {

rt::Status RequireNhwc(const PrepareContext& ctx) {
  rt::Result<std::string_view> layout = ctx.attrs.String("layout", "NCHW");
  if (!layout.ok()) return rt::Status::Error(ctx.where + ": " + layout.status().message());
  if (*layout != "NHWC") {
    return rt::Status::Error(ctx.where + ": the edge runtime runs NHWC " + ctx.op.kernel()->str() +
                             " only (layout is '" + std::string(*layout) +
                             "'; compile with --target edge)");
  }
  const TensorInfo* x = ctx.inputs.empty() ? nullptr : ctx.inputs[0];
  if (x == nullptr || x->dims.size() != 4) {
    return rt::Status::Error(ctx.where + ": input 0 must be 4-D NHWC");
  }
  return rt::Status::Ok();
}

uint32_t U32(int64_t v) { return static_cast<uint32_t>(v); }

float FirstScale(const artifact::Quant& q) { return q.scales()->Get(0); }

class ConvKernel : public XnnKernel {
 protected:
  bool TakesQuantized() const override { return true; }
  bool HasFusedActivation() const override { return true; }

  rt::Status InferDims(const PrepareContext& ctx) override {
    if (rt::Status s = RequireNhwc(ctx); !s.ok()) return s;
    const TensorInfo* w = ctx.inputs.size() > 1 ? ctx.inputs[1] : nullptr;
    if (w == nullptr || !w->is_constant() || w->dims.size() != 4) {
      return rt::Status::Error(ctx.where + ": the weight must be a 4-D constant");
    }
    if (ctx.inputs.size() > 3 && ctx.inputs[3] != nullptr) {
      return rt::Status::Error(ctx.where + ": a fused residual is not supported on edge");
    }
    rt::Result<int64_t> group = ctx.attrs.Int("group", 1);
    if (!group.ok()) return rt::Status::Error(ctx.where + ": " + group.status().message());
    const Dims& x = ctx.inputs[0]->dims;
    group_ = *group;
    channels_ = x[3];
    depthwise_ = group_ > 1 && w->dims[0] == 1;
    out_channels_ = depthwise_ ? w->dims[3] : w->dims[0];
    const int64_t group_in = depthwise_ ? 1 : w->dims[3];
    if (group_ < 1 || channels_ != group_in * group_ || out_channels_ % group_ != 0) {
      return rt::Status::Error(ctx.where + ": weight " + DimsString(w->dims) + " and group " +
                               std::to_string(group_) + " do not fit input " + DimsString(x));
    }
    const TensorInfo* b = ctx.inputs.size() > 2 ? ctx.inputs[2] : nullptr;
    if (b != nullptr && (!b->is_constant() || NumElements(b->dims) != out_channels_)) {
      return rt::Status::Error(ctx.where + ": the bias must be a constant of " +
                               std::to_string(out_channels_) + " elements");
    }
    // All-zero bytes: 0.0f, or an int32 0 for a quantized conv.
    if (b == nullptr) zero_bias_.assign(static_cast<size_t>(out_channels_), 0.0f);
    zero_bias_scales_.clear();
    const artifact::Quant* xq = ctx.inputs[0]->quant;
    if (b == nullptr && xq != nullptr && w->quant != nullptr) {
      // The bias XNNPACK needs has the accumulator's scale: s_x * s_w (per channel).
      const auto& ws = *w->quant->scales();
      const bool per_channel = w->quant->axis() >= 0;
      for (int64_t c = 0; c < (per_channel ? out_channels_ : 1); ++c) {
        const float s_w = c < static_cast<int64_t>(ws.size()) ? ws.Get(c) : ws.Get(0);
        zero_bias_scales_.push_back(FirstScale(*xq) * s_w);
      }
    }
    rt::Result<Window> window = ReadWindow(ctx.attrs, x[1], x[2], w->dims[1], w->dims[2]);
    if (!window.ok()) return rt::Status::Error(ctx.where + ": " + window.status().message());
    window_ = *window;
    ctx.outputs[0]->dims = {x[0], window_.out_h, window_.out_w, out_channels_};
    return rt::Status::Ok();
  }

  rt::Status DefineNode(const NodeContext& n) override {
    uint32_t bias = n.in.size() > 2 ? n.in[2] : XNN_INVALID_VALUE_ID;
    if (bias == XNN_INVALID_VALUE_ID) {
      const size_t dims[1] = {zero_bias_.size()};
      xnn_status status;
      if (zero_bias_scales_.empty()) {
        status = xnn_define_tensor_value(n.subgraph, xnn_datatype_fp32, 1, dims, zero_bias_.data(),
                                         XNN_INVALID_VALUE_ID, 0, &bias);
      } else if (zero_bias_scales_.size() == 1) {
        status = xnn_define_quantized_tensor_value(n.subgraph, xnn_datatype_qint32, 0,
                                                   zero_bias_scales_[0], 1, dims, zero_bias_.data(),
                                                   XNN_INVALID_VALUE_ID, 0, &bias);
      } else {
        status = xnn_define_channelwise_quantized_tensor_value(
            n.subgraph, xnn_datatype_qcint32, zero_bias_scales_.data(), 1, 0, dims,
            zero_bias_.data(), XNN_INVALID_VALUE_ID, 0, &bias);
      }
      if (rt::Status s = Check(status, n, "define zero bias"); !s.ok()) return s;
    }
    const Window& w = window_;
    if (depthwise_) {
      return Check(
          xnn_define_depthwise_convolution_2d(
              n.subgraph, U32(w.pad_top), U32(w.pad_right), U32(w.pad_bottom), U32(w.pad_left),
              U32(w.kernel_h), U32(w.kernel_w), U32(w.stride_h), U32(w.stride_w), U32(w.dilation_h),
              U32(w.dilation_w), U32(out_channels_ / channels_), static_cast<size_t>(channels_),
              n.output_min, n.output_max, n.in[0], n.in[1], bias, n.out[0], 0),
          n, "define depthwise convolution");
    }
    return Check(
        xnn_define_convolution_2d(
            n.subgraph, U32(w.pad_top), U32(w.pad_right), U32(w.pad_bottom), U32(w.pad_left),
            U32(w.kernel_h), U32(w.kernel_w), U32(w.stride_h), U32(w.stride_w), U32(w.dilation_h),
            U32(w.dilation_w), U32(group_), static_cast<size_t>(channels_ / group_),
            static_cast<size_t>(out_channels_ / group_), n.output_min, n.output_max, n.in[0],
            n.in[1], bias, n.out[0], 0),
        n, "define convolution");
  }

 private:
  Window window_;
  int64_t group_ = 1, channels_ = 0, out_channels_ = 0;
  bool depthwise_ = false;
  std::vector<float> zero_bias_;         // XNNPACK's convolution wants a bias
  std::vector<float> zero_bias_scales_;  // its scales when the conv is quantized
};

// Same dtype and the same scale and zero point (a max pool moves codes, never requantizes).
bool SameGrid(const TensorInfo& x, const TensorInfo& y) {
  if (x.dtype != y.dtype || (x.quant == nullptr) != (y.quant == nullptr)) return false;
  if (x.quant == nullptr) return true;
  const auto zero_point = [](const artifact::Quant& q) {
    return q.zero_points() != nullptr && q.zero_points()->size() > 0 ? q.zero_points()->Get(0) : 0;
  };
  return FirstScale(*x.quant) == FirstScale(*y.quant) &&
         zero_point(*x.quant) == zero_point(*y.quant);
}

class PoolKernel : public XnnKernel {
 public:
  explicit PoolKernel(bool max) : max_(max) {}

 protected:
  bool TakesQuantized() const override { return max_; }

  rt::Status InferDims(const PrepareContext& ctx) override {
    if (rt::Status s = RequireNhwc(ctx); !s.ok()) return s;
    if (ctx.outputs.size() != 1) {
      return rt::Status::Error(ctx.where + ": the indices output is not supported on edge");
    }
    if (!SameGrid(*ctx.inputs[0], *ctx.outputs[0])) {
      return rt::Status::Error(ctx.where + ": the pooled result must have the input's type");
    }
    const Dims& x = ctx.inputs[0]->dims;
    rt::Result<Window> window = ReadWindow(ctx.attrs, x[1], x[2], 0, 0);
    if (!window.ok()) return rt::Status::Error(ctx.where + ": " + window.status().message());
    window_ = *window;
    if (!max_) {
      rt::Result<int64_t> include_pad = ctx.attrs.Int("count_include_pad", 0);
      rt::Result<int64_t> ceil_mode = ctx.attrs.Int("ceil_mode", 0);
      if (window_.padded() &&
          (!include_pad.ok() || *include_pad != 0 || !ceil_mode.ok() || *ceil_mode != 0)) {
        return rt::Status::Error(ctx.where +
                                 ": average_pool with count_include_pad or ceil_mode and padding "
                                 "is not supported on edge");
      }
      if (window_.dilation_h != 1 || window_.dilation_w != 1) {
        return rt::Status::Error(ctx.where + ": dilated average_pool is not supported on edge");
      }
    }
    ctx.outputs[0]->dims = {x[0], window_.out_h, window_.out_w, x[3]};
    return rt::Status::Ok();
  }

  rt::Status DefineNode(const NodeContext& n) override {
    const Window& w = window_;
    if (max_) {
      return Check(
          xnn_define_max_pooling_2d(n.subgraph, U32(w.pad_top), U32(w.pad_right), U32(w.pad_bottom),
                                    U32(w.pad_left), U32(w.kernel_h), U32(w.kernel_w),
                                    U32(w.stride_h), U32(w.stride_w), U32(w.dilation_h),
                                    U32(w.dilation_w), -INFINITY, INFINITY, n.in[0], n.out[0], 0),
          n, "define max pooling");
    }
    return Check(xnn_define_average_pooling_2d(n.subgraph, U32(w.pad_top), U32(w.pad_right),
                                               U32(w.pad_bottom), U32(w.pad_left), U32(w.kernel_h),
                                               U32(w.kernel_w), U32(w.stride_h), U32(w.stride_w),
                                               -INFINITY, INFINITY, n.in[0], n.out[0], 0),
                 n, "define average pooling");
  }

 private:
  bool max_;
  Window window_;
};

class GlobalAveragePoolKernel : public XnnKernel {
 protected:
  rt::Status InferDims(const PrepareContext& ctx) override {
    if (rt::Status s = RequireNhwc(ctx); !s.ok()) return s;
    const Dims& x = ctx.inputs[0]->dims;
    ctx.outputs[0]->dims = {x[0], 1, 1, x[3]};
    return rt::Status::Ok();
  }
  rt::Status DefineNode(const NodeContext& n) override {
    return Check(
        xnn_define_global_average_pooling_2d(n.subgraph, -INFINITY, INFINITY, n.in[0], n.out[0], 0),
        n, "define global average pooling");
  }
};

}  // namespace

void RegisterXnnWindowKernels(KernelRegistry& registry) {
  registry.Register("conv", [] { return std::unique_ptr<EdgeKernel>(new ConvKernel); });
  registry.Register("max_pool", [] { return std::unique_ptr<EdgeKernel>(new PoolKernel(true)); });
  registry.Register("average_pool",
                    [] { return std::unique_ptr<EdgeKernel>(new PoolKernel(false)); });
  registry.Register("global_average_pool",
                    [] { return std::unique_ptr<EdgeKernel>(new GlobalAveragePoolKernel); });
}

}  // namespace kiln::edge
