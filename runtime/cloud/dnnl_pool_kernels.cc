// max_pool, average_pool, global_average_pool and global_max_pool: oneDNN pooling (v2, with
// dilations) over 1, 2 or 3 spatial dims. The input is read in its own layout and oneDNN picks
// the output's (the same blocking); both are plain when the executor wants the output plain,
// unless the blocked output's bytes are plain anyway (global pooling: [N, C, 1, 1]).
//
// average_pool with count_include_pad divides by the taps inside ONNX's pads; under ceil_mode
// the last windows may run past them, where oneDNN would divide by the whole kernel, so those
// outputs are rescaled by a binary-mul post-op with a per-position factor.
#include <memory>
#include <string>

#include "runtime/cloud/dnnl_kernel.h"
#include "runtime/cloud/dnnl_kernels.h"
#include "runtime/cloud/dnnl_window.h"

namespace kiln::cloud {
namespace {

enum class PoolKind { kMax, kAverage, kGlobalMax, kGlobalAverage };

// Taps of a window starting at `start` (stride `dilation`, `kernel` taps) inside [lo, hi).
int64_t CountTaps(int64_t start, int64_t kernel, int64_t dilation, int64_t lo, int64_t hi) {
  int64_t n = 0;
  for (int64_t k = 0; k < kernel; ++k) {
    const int64_t pos = start + k * dilation;
    n += pos >= lo && pos < hi;
  }
  return n;
}

class PoolKernel final : public DnnlKernel {
 public:
  explicit PoolKernel(PoolKind kind) : kind_(kind) {}
  bool ReadsBlocked(int input) const override { return input == 0; }

 protected:
  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    const bool max = kind_ == PoolKind::kMax || kind_ == PoolKind::kGlobalMax;
    const TensorInfo* x0 = Input(ctx, 0);
    // Max pooling of u8/s8 (per tensor) is exact in the input's grid: the result keeps it.
    const bool int8 = max && x0 != nullptr && x0->quant != nullptr &&
                      (x0->dtype == rt::DType::kU8 || x0->dtype == rt::DType::kI8);
    if (int8) {
      if (x0->dims.size() < 3 || x0->dims.size() > 5 || ctx.outputs[0]->dtype != x0->dtype) {
        return Error("int8 max pooling needs an input of rank 3 to 5 and a result of its type");
      }
    } else if (rt::Status s = CheckF32(ctx, 0, 3, 5); !s.ok()) {
      return s;
    }
    const rt::DType dtype = x0->dtype;
    if (ctx.outputs.size() > 1 && ctx.outputs[1] != nullptr) {
      return Error("max_pool's indices result is not supported");
    }
    const TensorInfo& x = *ctx.inputs[0];
    const Dims spatial(x.dims.begin() + 2, x.dims.end());
    const bool global = kind_ == PoolKind::kGlobalMax || kind_ == PoolKind::kGlobalAverage;
    DnnlWindow win;
    Dims kernel = spatial;
    bool include_pad = false;
    if (global) {
      win.out = Dims(spatial.size(), 1);
      win.strides = win.pad_l = win.pad_r = win.onnx_pad_r = Dims(spatial.size(), 0);
      win.dilations = Dims(spatial.size(), 0);
      for (int64_t& s : win.strides) s = 1;
      for (int64_t d : spatial) {
        if (d < 1) return Error("global pooling over an empty input " + DimsString(x.dims));
      }
    } else {
      rt::Result<std::vector<int64_t>> k = ctx.attrs.Ints("kernel_shape");
      if (!k.ok()) return k.status();
      kernel = *k;
      rt::Result<DnnlWindow> w = ResolveDnnlWindow(ctx.attrs, spatial, kernel, true, where());
      if (!w.ok()) return w.status();
      win = *w;
      if (kind_ == PoolKind::kAverage) {
        rt::Result<int64_t> cip = ctx.attrs.Int("count_include_pad", 0);
        if (!cip.ok()) return cip.status();
        include_pad = *cip != 0;
      }
    }
    Dims out_dims = {x.dims[0], x.dims[1]};
    out_dims.insert(out_dims.end(), win.out.begin(), win.out.end());

    const dnnl::algorithm alg = max           ? dnnl::algorithm::pooling_max
                                : include_pad ? dnnl::algorithm::pooling_avg_include_padding
                                              : dnnl::algorithm::pooling_avg_exclude_padding;
    dnnl::post_ops ops;
    memory factor;
    if (include_pad && win.pad_r != win.onnx_pad_r) {
      factor = IncludePadFactor(spatial, kernel, win);
      ops.append_binary(dnnl::algorithm::binary_mul, factor.get_desc());
    }
    auto make_pd = [&](const memory::desc& src, const memory::desc& dst) {
      dnnl::pooling_v2_forward::desc desc(dnnl::prop_kind::forward_inference, alg, src, dst,
                                          win.strides, kernel, win.dilations, win.pad_l, win.pad_r);
      return dnnl::pooling_v2_forward::primitive_desc(desc, Attr(ops), CpuEngine());
    };
    // A blocked input is read as it is and oneDNN writes the output in the same blocking; when
    // the output must be plain, that is still fine if its bytes are plain (global pooling of
    // nhwc gives [N, C, 1, 1]); else the input is required plain.
    bool blocked = IsBlocked(x);
    dnnl::pooling_v2_forward::primitive_desc pd;
    memory::desc src = PlainDesc(x.dims, dtype);
    memory::desc out_desc = PlainDesc(out_dims, dtype);
    if (blocked) {
      pd = make_pd(x.desc, AnyDesc(out_dims, dtype));
      if (!MustBePlain(ctx, 0)) {
        src = x.desc;
        out_desc = pd.dst_desc();
      } else if (IsPlain(pd.dst_desc()) && !IsReferenceImpl(pd)) {
        src = x.desc;
      } else {
        blocked = false;
      }
    }
    if (!blocked) pd = make_pd(src, out_desc);
    ctx.required[0] = src;
    pool_ = BoundPrimitive(dnnl::pooling_v2_forward(pd));
    pool_.Bind(DNNL_ARG_SRC, src);
    pool_.Bind(DNNL_ARG_DST, pd.dst_desc());
    if (factor) pool_.Bind(DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, factor);
    UseScratchpad(ctx, pd.scratchpad_desc(), pool_);
    return SetOutput(ctx, 0, out_dims, out_desc, dtype);
  }

  rt::Status RunDnnl(const RunContext& ctx) override {
    pool_.Set(DNNL_ARG_SRC, ctx.inputs[0]);
    pool_.Set(DNNL_ARG_DST, ctx.outputs[0]);
    pool_.Set(DNNL_ARG_SCRATCHPAD, ctx.scratchpad);
    pool_.Execute(ctx.stream);
    return rt::Status::Ok();
  }

 private:
  // [1, 1, out...]: kernel size / taps inside ONNX's pads, per output position.
  static memory IncludePadFactor(const Dims& in, const Dims& kernel, const DnnlWindow& win) {
    const size_t rank = in.size();
    Dims dims = {1, 1};
    dims.insert(dims.end(), win.out.begin(), win.out.end());
    memory factor(PlainDesc(dims, rt::DType::kF32), CpuEngine());
    float* f = static_cast<float*>(factor.get_data_handle());
    int64_t kernel_size = 1;
    for (int64_t k : kernel) kernel_size *= k;
    const int64_t total = NumElements(win.out);
    for (int64_t o = 0; o < total; ++o) {
      int64_t rest = o, count = 1;
      for (size_t d = rank; d-- > 0;) {
        const int64_t pos = rest % win.out[d];
        rest /= win.out[d];
        count *= CountTaps(pos * win.strides[d] - win.pad_l[d], kernel[d], win.dilations[d] + 1,
                           -win.pad_l[d], in[d] + win.onnx_pad_r[d]);
      }
      f[o] = count > 0 ? static_cast<float>(kernel_size) / static_cast<float>(count) : 0.0f;
    }
    return factor;
  }

  PoolKind kind_;
  BoundPrimitive pool_;
};

template <PoolKind kKind>
std::unique_ptr<CloudKernel> MakePool() {
  return std::make_unique<PoolKernel>(kKind);
}

}  // namespace

void RegisterDnnlPoolKernels(KernelRegistry& registry) {
  registry.Register("max_pool", &MakePool<PoolKind::kMax>);
  registry.Register("average_pool", &MakePool<PoolKind::kAverage>);
  registry.Register("global_max_pool", &MakePool<PoolKind::kGlobalMax>);
  registry.Register("global_average_pool", &MakePool<PoolKind::kGlobalAverage>);
}

}  // namespace kiln::cloud
