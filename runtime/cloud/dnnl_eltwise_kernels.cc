// Unary activations and math (relu, leaky_relu, elu, sigmoid, hard_sigmoid, hard_swish, silu,
// gelu, tanh, exp, log, sqrt, abs, neg) and clip with constant bounds: oneDNN eltwise, one
// primitive per step (hard_sigmoid takes two). Any layout in, the same layout out; the input
// and output may be the same buffer.
#include <limits>
#include <memory>
#include <string>

#include "runtime/cloud/dnnl_activation.h"
#include "runtime/cloud/dnnl_kernel.h"
#include "runtime/cloud/dnnl_kernels.h"

namespace kiln::cloud {
namespace {

class EltwiseKernel : public DnnlKernel {
 public:
  bool ReadsBlocked(int input) const override { return input == 0; }

 protected:
  // The steps this op computes, read from its kernel key and attributes.
  virtual rt::Result<EltwiseSteps> Steps(const PrepareContext& ctx) const {
    if (ctx.op.kernel() == nullptr) return Error("the op has no kernel key");
    return UnaryOpSteps(std::string_view(ctx.op.kernel()->c_str(), ctx.op.kernel()->size()),
                        ctx.attrs, where());
  }

  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    if (rt::Status s = CheckF32(ctx, 0, 0, DNNL_MAX_NDIMS); !s.ok()) return s;
    rt::Result<EltwiseSteps> steps = Steps(ctx);
    if (!steps.ok()) return steps.status();
    const TensorInfo& x = *ctx.inputs[0];
    steps_.clear();
    memory::desc layout = KeepLayout(ctx, 0, 0);
    if (rt::Status s = SetOutput(ctx, 0, x.dims, layout); !s.ok()) return s;
    if (NumElements(x.dims) == 0) return rt::Status::Ok();
    if (x.dims.empty()) layout = PlainDesc({1}, rt::DType::kF32);  // oneDNN has no rank 0
    for (const EltwiseStep& step : *steps) {
      dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_inference, step.alg, layout,
                                       step.alpha, step.beta);
      dnnl::eltwise_forward::primitive_desc pd(desc, Attr(), CpuEngine());
      BoundPrimitive& p = steps_.emplace_back(dnnl::eltwise_forward(pd));
      p.Bind(DNNL_ARG_SRC, layout);
      p.Bind(DNNL_ARG_DST, layout);
      UseScratchpad(ctx, pd.scratchpad_desc(), p);
    }
    return rt::Status::Ok();
  }

  rt::Status RunDnnl(const RunContext& ctx) override {
    for (size_t i = 0; i < steps_.size(); ++i) {
      // Later steps work in place on the output.
      steps_[i].Set(DNNL_ARG_SRC, i == 0 ? ctx.inputs[0] : ctx.outputs[0]);
      steps_[i].Set(DNNL_ARG_DST, ctx.outputs[0]);
      steps_[i].Set(DNNL_ARG_SCRATCHPAD, ctx.scratchpad);
      steps_[i].Execute(ctx.stream);
    }
    return rt::Status::Ok();
  }

 private:
  std::vector<BoundPrimitive> steps_;
};

// clip(x, min?, max?): the bounds are one-element f32 constants; an absent one does not clip.
class ClipKernel final : public EltwiseKernel {
 protected:
  rt::Result<EltwiseSteps> Steps(const PrepareContext& ctx) const override {
    float bounds[2] = {-std::numeric_limits<float>::infinity(),
                       std::numeric_limits<float>::infinity()};
    for (int i = 1; i <= 2; ++i) {
      const TensorInfo* b = Input(ctx, i);
      if (b == nullptr) continue;
      if (rt::Status s = CheckConstantF32(ctx, i); !s.ok()) return s;
      if (NumElements(b->dims) != 1) {
        return Error("clip bound " + std::to_string(i) + " has shape " + DimsString(b->dims) +
                     ", expected one element");
      }
      bounds[i - 1] = *static_cast<const float*>(b->data);
    }
    return EltwiseSteps{ClipStep(bounds[0], bounds[1])};
  }
};

}  // namespace

void RegisterDnnlEltwiseKernels(KernelRegistry& registry) {
  for (std::string_view key : UnaryOpKernels()) {
    registry.Register(key, [] { return std::unique_ptr<CloudKernel>(new EltwiseKernel()); });
  }
  registry.Register("clip", [] { return std::unique_ptr<CloudKernel>(new ClipKernel()); });
}

}  // namespace kiln::cloud
