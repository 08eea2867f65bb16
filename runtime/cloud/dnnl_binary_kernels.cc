// add, sub, mul, div, max, min (oneDNN binary) and pow (oneDNN eltwise_pow for a constant
// scalar exponent), with numpy broadcasting. oneDNN's binary broadcasts only its second
// operand, so the first operand must have the output's shape: for a commutative op the operands
// swap when needed; otherwise the first operand is copied, broadcast, into the output, which
// then is the (in-place) first operand. max and min take one or more operands, applied in turn.
//
// Layouts: when the first operand arrives blocked, the output takes its layout, operands of the
// output's shape are required in that layout, and broadcast operands ([1,C,1,1], [C]) are put
// in the same blocking by the kernel (packed once when constant); if oneDNN has no fast kernel
// for that (it would run "ref:any"), everything is plain.
#include <memory>
#include <string>
#include <utility>

#include "runtime/cloud/dnnl_broadcast.h"
#include "runtime/cloud/dnnl_kernel.h"
#include "runtime/cloud/dnnl_kernels.h"

namespace kiln::cloud {
namespace {

class BinaryKernel final : public DnnlKernel {
 public:
  BinaryKernel(dnnl::algorithm alg, bool commutative, bool variadic)
      : alg_(alg), commutative_(commutative), variadic_(variadic) {}

  bool ReadsBlocked(int input) const override {
    (void)input;
    return true;
  }

 protected:
  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    const int n = static_cast<int>(ctx.inputs.size());
    if (n < 1 || (!variadic_ && n != 2)) {
      return Error("takes " + std::string(variadic_ ? "one or more" : "two") + " inputs, got " +
                   std::to_string(n));
    }
    std::vector<Dims> shapes;
    for (int i = 0; i < n; ++i) {
      if (rt::Status s = CheckF32(ctx, i, 0, DNNL_MAX_NDIMS); !s.ok()) return s;
      shapes.push_back(ctx.inputs[i]->dims);
    }
    rt::Result<Dims> out = BroadcastDims(shapes);
    if (!out.ok()) return Error(out.status().message());
    out_dims_ = *out;
    steps_.clear();
    order_.clear();

    // The first operand has the output's shape: input 0, or (commutative) any input, preferring
    // one that arrives blocked. Else input 0 is copied, broadcast, into the output first.
    int base = shapes[0] == out_dims_ ? 0 : -1;
    for (int i = 1; commutative_ && i < n; ++i) {
      const bool better = base < 0 || (!IsBlocked(*ctx.inputs[base]) && IsBlocked(*ctx.inputs[i]));
      if (shapes[i] == out_dims_ && better) base = i;
    }
    materialize_ = base < 0 || n == 1;  // a lone operand is copied
    if (base < 0) base = 0;
    order_.push_back(base);
    for (int i = 0; i < n; ++i) {
      if (i != base) order_.push_back(i);
    }
    base_dims_ = shapes[base];

    for (int i = 0; i < n; ++i) ctx.required[i] = PlainDesc(shapes[i], rt::DType::kF32);
    if (NumElements(out_dims_) == 0) {
      return SetOutput(ctx, 0, out_dims_, PlainDesc(out_dims_, rt::DType::kF32));
    }
    const Dims prim_dims = out_dims_.empty() ? Dims{1} : out_dims_;
    if (!materialize_ && !MustBePlain(ctx, 0) && IsBlocked(*ctx.inputs[base])) {
      // Kept only when oneDNN has a fast kernel for it; else plain (reorders beat "ref:any").
      bool built = false;
      try {
        built = Build(ctx, ctx.inputs[base]->desc, prim_dims);
      } catch (const dnnl::error&) {
        built = false;  // no kernel at all for these layouts
      }
      if (built) return SetOutput(ctx, 0, out_dims_, ctx.inputs[base]->desc);
      steps_.clear();
      for (int i = 0; i < n; ++i) ctx.required[i] = PlainDesc(shapes[i], rt::DType::kF32);
    }
    Build(ctx, PlainDesc(prim_dims, rt::DType::kF32), prim_dims);
    return SetOutput(ctx, 0, out_dims_, PlainDesc(out_dims_, rt::DType::kF32));
  }

  rt::Status RunDnnl(const RunContext& ctx) override {
    void* dst = ctx.outputs[0];
    if (materialize_) {
      BroadcastCopy(static_cast<const float*>(ctx.inputs[order_[0]]), base_dims_,
                    static_cast<float*>(dst), out_dims_);
    }
    for (size_t s = 0; s < steps_.size(); ++s) {
      Step& step = steps_[s];
      const void* src1 = ctx.inputs[order_[s + 1]];
      if (step.to_layout) {
        step.to_layout->Set(DNNL_ARG_FROM, src1);
        step.to_layout->Execute(ctx.stream);
      }
      const bool in_place = s > 0 || materialize_;
      step.binary.Set(DNNL_ARG_SRC_0, in_place ? dst : ctx.inputs[order_[0]]);
      step.binary.Set(DNNL_ARG_SRC_1, src1);
      step.binary.Set(DNNL_ARG_DST, dst);
      step.binary.Set(DNNL_ARG_SCRATCHPAD, ctx.scratchpad);
      step.binary.Execute(ctx.stream);
    }
    return rt::Status::Ok();
  }

 private:
  struct Step {
    BoundPrimitive binary;
    // For a broadcast operand of a blocked output: its plain bytes reordered, each run, into a
    // buffer the kernel owns, in the output's blocking (oneDNN's fast binary wants that).
    std::unique_ptr<BoundPrimitive> to_layout;
  };

  // One binary primitive per operand after the first, all writing `layout`. False when `layout`
  // is blocked and oneDNN would run its reference implementation.
  bool Build(PrepareContext& ctx, const memory::desc& layout, const Dims& prim_dims) {
    const bool blocked = !IsPlain(layout);
    if (blocked) ctx.required[order_[0]] = layout;
    for (size_t k = 1; k < order_.size(); ++k) {
      const int input = order_[k];
      const TensorInfo& x = *ctx.inputs[input];
      const Dims dims = PadDims(x.dims.empty() ? Dims{1} : x.dims, prim_dims.size());
      const memory::desc plain = PlainDesc(dims, rt::DType::kF32);
      const memory::desc src1 = !blocked            ? plain
                                : dims == prim_dims ? layout
                                                    : LayoutLike(layout, dims);
      dnnl::binary::desc desc(alg_, layout, src1, layout);
      dnnl::binary::primitive_desc pd(desc, Attr(), CpuEngine());
      if (blocked && IsReferenceImpl(pd)) return false;
      Step& step = steps_.emplace_back();
      step.binary = BoundPrimitive(dnnl::binary(pd));
      step.binary.Bind(DNNL_ARG_SRC_0, layout);
      step.binary.Bind(DNNL_ARG_DST, layout);
      UseScratchpad(ctx, pd.scratchpad_desc(), step.binary);
      if (IsPlain(src1)) {  // plain bytes (nhwc of [1, C, 1, 1] is): read as they are
        step.binary.Bind(DNNL_ARG_SRC_1, src1, x.data);  // fixed if constant
      } else if (x.is_constant()) {
        step.binary.Bind(DNNL_ARG_SRC_1, PackConstant(x.data, plain, src1));
      } else if (x.dims == out_dims_) {
        ctx.required[input] = src1;  // the executor reorders it to the output's layout
        step.binary.Bind(DNNL_ARG_SRC_1, src1);
      } else {
        memory converted(src1, CpuEngine());
        step.to_layout = std::make_unique<BoundPrimitive>(
            dnnl::reorder(memory(plain, CpuEngine(), DNNL_MEMORY_NONE), converted));
        step.to_layout->Bind(DNNL_ARG_FROM, plain);
        step.to_layout->Bind(DNNL_ARG_TO, converted);
        step.binary.Bind(DNNL_ARG_SRC_1, converted);
      }
    }
    return true;
  }

  dnnl::algorithm alg_;
  bool commutative_;
  bool variadic_;
  Dims out_dims_;
  Dims base_dims_;
  std::vector<int> order_;  // input indices: the first operand, then the others in turn
  bool materialize_ = false;
  std::vector<Step> steps_;
};

// pow(a, b): oneDNN eltwise_pow (a ** beta) when b is a constant with one element (f32, i32 or
// i64), keeping a's layout; else a plain loop over the broadcast (oneDNN has no binary pow).
class PowKernel final : public DnnlKernel {
 public:
  bool ReadsBlocked(int input) const override { return input == 0; }

 protected:
  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    if (rt::Status s = CheckF32(ctx, 0, 0, DNNL_MAX_NDIMS); !s.ok()) return s;
    const TensorInfo* b = Input(ctx, 1);
    if (b == nullptr) return Error("input 1 is missing");
    const TensorInfo& a = *ctx.inputs[0];
    std::vector<Dims> shapes = {a.dims, b->dims};
    rt::Result<Dims> out = BroadcastDims(shapes);
    if (!out.ok()) return Error(out.status().message());
    out_dims_ = *out;
    a_dims_ = a.dims;
    b_dims_ = b->dims;
    eltwise_ = BoundPrimitive();
    use_eltwise_ = false;
    float exponent = 0.0f;
    if (b->is_constant() && NumElements(b->dims) == 1) {
      switch (b->dtype) {
        case rt::DType::kF32:
          exponent = *static_cast<const float*>(b->data);
          use_eltwise_ = true;
          break;
        case rt::DType::kI32:
          exponent = static_cast<float>(*static_cast<const int32_t*>(b->data));
          use_eltwise_ = true;
          break;
        case rt::DType::kI64:
          exponent = static_cast<float>(*static_cast<const int64_t*>(b->data));
          use_eltwise_ = true;
          break;
        default:
          break;
      }
    }
    if (!use_eltwise_) {
      if (rt::Status s = CheckF32(ctx, 1, 0, DNNL_MAX_NDIMS); !s.ok()) return s;
      ctx.required[0] = PlainDesc(a.dims, rt::DType::kF32);
      ctx.required[1] = PlainDesc(b->dims, rt::DType::kF32);
      return SetOutput(ctx, 0, out_dims_, PlainDesc(out_dims_, rt::DType::kF32));
    }
    // A one-element exponent never changes the element count, only (maybe) the rank.
    memory::desc layout = a.dims == out_dims_
                              ? KeepLayout(ctx, 0, 0)
                              : (ctx.required[0] = PlainDesc(a.dims, rt::DType::kF32));
    const memory::desc out_desc = IsPlain(layout) ? PlainDesc(out_dims_, rt::DType::kF32) : layout;
    if (rt::Status s = SetOutput(ctx, 0, out_dims_, out_desc); !s.ok()) return s;
    if (NumElements(out_dims_) == 0) return rt::Status::Ok();
    if (IsPlain(layout)) layout = PlainDesc({NumElements(out_dims_)}, rt::DType::kF32);
    dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_inference,
                                     dnnl::algorithm::eltwise_pow, layout, 1.0f, exponent);
    dnnl::eltwise_forward::primitive_desc pd(desc, Attr(), CpuEngine());
    eltwise_ = BoundPrimitive(dnnl::eltwise_forward(pd));
    eltwise_.Bind(DNNL_ARG_SRC, layout);
    eltwise_.Bind(DNNL_ARG_DST, layout);
    UseScratchpad(ctx, pd.scratchpad_desc(), eltwise_);
    return rt::Status::Ok();
  }

  rt::Status RunDnnl(const RunContext& ctx) override {
    if (!use_eltwise_) {
      BroadcastPow(static_cast<const float*>(ctx.inputs[0]), a_dims_,
                   static_cast<const float*>(ctx.inputs[1]), b_dims_,
                   static_cast<float*>(ctx.outputs[0]), out_dims_);
      return rt::Status::Ok();
    }
    if (NumElements(out_dims_) == 0) return rt::Status::Ok();
    eltwise_.Set(DNNL_ARG_SRC, ctx.inputs[0]);
    eltwise_.Set(DNNL_ARG_DST, ctx.outputs[0]);
    eltwise_.Set(DNNL_ARG_SCRATCHPAD, ctx.scratchpad);
    eltwise_.Execute(ctx.stream);
    return rt::Status::Ok();
  }

 private:
  Dims out_dims_, a_dims_, b_dims_;
  bool use_eltwise_ = false;
  BoundPrimitive eltwise_;
};

template <dnnl::algorithm kAlg, bool kCommutative, bool kVariadic>
std::unique_ptr<CloudKernel> MakeBinary() {
  return std::make_unique<BinaryKernel>(kAlg, kCommutative, kVariadic);
}

}  // namespace

void RegisterDnnlBinaryKernels(KernelRegistry& registry) {
  using dnnl::algorithm;
  registry.Register("add", &MakeBinary<algorithm::binary_add, true, false>);
  registry.Register("sub", &MakeBinary<algorithm::binary_sub, false, false>);
  registry.Register("mul", &MakeBinary<algorithm::binary_mul, true, false>);
  registry.Register("div", &MakeBinary<algorithm::binary_div, false, false>);
  registry.Register("max", &MakeBinary<algorithm::binary_max, true, true>);
  registry.Register("min", &MakeBinary<algorithm::binary_min, true, true>);
  registry.Register("pow", [] { return std::unique_ptr<CloudKernel>(new PowKernel()); });
}

}  // namespace kiln::cloud
