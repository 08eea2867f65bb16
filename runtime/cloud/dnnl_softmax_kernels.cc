// softmax and log_softmax along one axis (opset 13: the axis alone), oneDNN softmax and
// logsoftmax, plain layout.
#include <memory>
#include <string>

#include "runtime/cloud/dnnl_kernel.h"
#include "runtime/cloud/dnnl_kernels.h"

namespace kiln::cloud {
namespace {

class SoftmaxKernel final : public DnnlKernel {
 public:
  explicit SoftmaxKernel(bool log) : log_(log) {}

 protected:
  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    if (rt::Status s = CheckF32(ctx, 0, 1, DNNL_MAX_NDIMS); !s.ok()) return s;
    const TensorInfo& x = *ctx.inputs[0];
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    rt::Result<int64_t> axis = ctx.attrs.Int("axis", -1);
    if (!axis.ok()) return axis.status();
    const int64_t a = *axis < 0 ? *axis + rank : *axis;
    if (a < 0 || a >= rank) {
      return Error("axis " + std::to_string(*axis) + " is out of range for rank " +
                   std::to_string(rank));
    }
    const memory::desc layout = PlainDesc(x.dims, rt::DType::kF32);
    ctx.required[0] = layout;
    if (rt::Status s = SetOutput(ctx, 0, x.dims, layout); !s.ok()) return s;
    empty_ = NumElements(x.dims) == 0;
    if (empty_) return rt::Status::Ok();
    const int axis_arg = static_cast<int>(a);
    if (log_) {
      dnnl::logsoftmax_forward::desc desc(dnnl::prop_kind::forward_inference, layout, axis_arg);
      dnnl::logsoftmax_forward::primitive_desc pd(desc, Attr(), CpuEngine());
      softmax_ = BoundPrimitive(dnnl::logsoftmax_forward(pd));
      UseScratchpad(ctx, pd.scratchpad_desc(), softmax_);
    } else {
      dnnl::softmax_forward::desc desc(dnnl::prop_kind::forward_inference, layout, axis_arg);
      dnnl::softmax_forward::primitive_desc pd(desc, Attr(), CpuEngine());
      softmax_ = BoundPrimitive(dnnl::softmax_forward(pd));
      UseScratchpad(ctx, pd.scratchpad_desc(), softmax_);
    }
    softmax_.Bind(DNNL_ARG_SRC, layout);
    softmax_.Bind(DNNL_ARG_DST, layout);
    return rt::Status::Ok();
  }

  rt::Status RunDnnl(const RunContext& ctx) override {
    if (empty_) return rt::Status::Ok();
    softmax_.Set(DNNL_ARG_SRC, ctx.inputs[0]);
    softmax_.Set(DNNL_ARG_DST, ctx.outputs[0]);
    softmax_.Set(DNNL_ARG_SCRATCHPAD, ctx.scratchpad);
    softmax_.Execute(ctx.stream);
    return rt::Status::Ok();
  }

 private:
  bool log_;
  bool empty_ = false;
  BoundPrimitive softmax_;
};

}  // namespace

void RegisterDnnlSoftmaxKernels(KernelRegistry& registry) {
  registry.Register("softmax",
                    [] { return std::unique_ptr<CloudKernel>(new SoftmaxKernel(false)); });
  registry.Register("log_softmax",
                    [] { return std::unique_ptr<CloudKernel>(new SoftmaxKernel(true)); });
}

}  // namespace kiln::cloud
