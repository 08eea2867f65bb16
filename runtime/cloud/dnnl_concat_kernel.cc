// concat along any axis: oneDNN concat. Inputs that all arrive in one blocked layout (nChw16c,
// nhwc, ...) are joined in it when oneDNN keeps that layout for the result (a channel concat
// whose channel counts fill whole blocks); otherwise everything is plain. Empty inputs (zero
// along the axis) are skipped.
#include <memory>
#include <string>

#include "runtime/cloud/dnnl_kernel.h"
#include "runtime/cloud/dnnl_kernels.h"

namespace kiln::cloud {
namespace {

class ConcatKernel final : public DnnlKernel {
 public:
  bool ReadsBlocked(int input) const override {
    (void)input;
    return true;
  }

 protected:
  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    const int n = static_cast<int>(ctx.inputs.size());
    if (n < 1) return Error("takes one or more inputs");
    if (rt::Status s = CheckF32(ctx, 0, 1, DNNL_MAX_NDIMS); !s.ok()) return s;
    const Dims& first = ctx.inputs[0]->dims;
    const int64_t rank = static_cast<int64_t>(first.size());
    rt::Result<int64_t> axis_attr = ctx.attrs.Int("axis");
    if (!axis_attr.ok()) return axis_attr.status();
    const int64_t axis = *axis_attr < 0 ? *axis_attr + rank : *axis_attr;
    if (axis < 0 || axis >= rank) {
      return Error("axis " + std::to_string(*axis_attr) + " is out of range for rank " +
                   std::to_string(rank));
    }
    Dims out_dims = first;
    out_dims[axis] = 0;
    for (int i = 0; i < n; ++i) {
      if (rt::Status s = CheckF32(ctx, i, 1, DNNL_MAX_NDIMS); !s.ok()) return s;
      const Dims& d = ctx.inputs[i]->dims;
      bool agree = d.size() == first.size();
      for (int64_t k = 0; agree && k < rank; ++k) agree = k == axis || d[k] == first[k];
      if (!agree) {
        return Error("input " + std::to_string(i) + " has shape " + DimsString(d) +
                     ", which does not match input 0's " + DimsString(first) + " outside axis " +
                     std::to_string(axis));
      }
      out_dims[axis] += d[axis];
    }
    sources_.clear();
    for (int i = 0; i < n; ++i) {
      if (NumElements(ctx.inputs[i]->dims) > 0) sources_.push_back(i);
    }
    if (NumElements(out_dims) == 0 || sources_.empty()) {
      sources_.clear();
      for (int i = 0; i < n; ++i) ctx.required[i] = PlainDesc(ctx.inputs[i]->dims, rt::DType::kF32);
      return SetOutput(ctx, 0, out_dims, PlainDesc(out_dims, rt::DType::kF32));
    }

    // Blocked when every joined input has the first one's blocked layout and oneDNN keeps it.
    const memory::desc& layout = ctx.inputs[sources_[0]]->desc;
    bool blocked = !MustBePlain(ctx, 0) && IsBlocked(*ctx.inputs[sources_[0]]);
    for (int i : sources_) {
      blocked = blocked && IsBlocked(*ctx.inputs[i]) && SameLayout(ctx.inputs[i]->desc, layout);
    }
    if (blocked) {
      std::vector<memory::desc> srcs;
      for (int i : sources_) srcs.push_back(ctx.inputs[i]->desc);
      dnnl::concat::primitive_desc pd(AnyDesc(out_dims, rt::DType::kF32), static_cast<int>(axis),
                                      srcs, CpuEngine(), Attr());
      if (SameLayout(pd.dst_desc(), layout)) return Build(ctx, pd, srcs, out_dims);
    }
    std::vector<memory::desc> srcs;
    for (int i : sources_) srcs.push_back(PlainDesc(ctx.inputs[i]->dims, rt::DType::kF32));
    dnnl::concat::primitive_desc pd(PlainDesc(out_dims, rt::DType::kF32), static_cast<int>(axis),
                                    srcs, CpuEngine(), Attr());
    return Build(ctx, pd, srcs, out_dims);
  }

  rt::Status RunDnnl(const RunContext& ctx) override {
    if (sources_.empty()) return rt::Status::Ok();
    for (size_t k = 0; k < sources_.size(); ++k) {
      concat_.Set(DNNL_ARG_MULTIPLE_SRC + static_cast<int>(k), ctx.inputs[sources_[k]]);
    }
    concat_.Set(DNNL_ARG_DST, ctx.outputs[0]);
    concat_.Set(DNNL_ARG_SCRATCHPAD, ctx.scratchpad);
    concat_.Execute(ctx.stream);
    return rt::Status::Ok();
  }

 private:
  rt::Status Build(PrepareContext& ctx, const dnnl::concat::primitive_desc& pd,
                   const std::vector<memory::desc>& srcs, const Dims& out_dims) {
    concat_ = BoundPrimitive(dnnl::concat(pd));
    for (size_t k = 0; k < sources_.size(); ++k) {
      concat_.Bind(DNNL_ARG_MULTIPLE_SRC + static_cast<int>(k), srcs[k]);
      ctx.required[sources_[k]] = srcs[k];
    }
    for (int i = 0; i < static_cast<int>(ctx.inputs.size()); ++i) {
      if (NumElements(ctx.inputs[i]->dims) == 0) {
        ctx.required[i] = PlainDesc(ctx.inputs[i]->dims, rt::DType::kF32);
      }
    }
    concat_.Bind(DNNL_ARG_DST, pd.dst_desc());
    UseScratchpad(ctx, pd.scratchpad_desc(), concat_);
    return SetOutput(ctx, 0, out_dims, pd.dst_desc());
  }

  std::vector<int> sources_;  // the non-empty inputs, in order
  BoundPrimitive concat_;
};

}  // namespace

void RegisterDnnlConcatKernels(KernelRegistry& registry) {
  registry.Register("concat", [] { return std::unique_ptr<CloudKernel>(new ConcatKernel()); });
}

}  // namespace kiln::cloud
