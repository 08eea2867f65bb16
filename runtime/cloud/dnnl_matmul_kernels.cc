// gemm, matmul and linear on oneDNN matmul. A constant right-hand operand (the usual weight) is
// packed once in Prepare into the layout oneDNN picks (format_tag::any), with gemm's alpha folded
// in; a constant bias or gemm's C (beta folded in) becomes the matmul bias when it is a row
// ([N], [1, N], a scalar) and a binary-add post-op of the result's shape otherwise; a run-time
// one is a binary-add post-op as it is; the fused activation follows as post-ops. Operands and
// results are plain (transposes are strides, leading dims of linear's x are folded into M).
//
//   gemm    Y = alpha * op(A) * op(B) + beta * C     A, B rank 2; C broadcasts to [M, N]
//   matmul  numpy matmul: 1-D operands promoted, batch dims broadcast
//   linear  x[..., K] * w[K, N] + b[N] + residual (input 3, a sum post-op; [..., N])
// An op marked dynamic_quant (int8-dynamic) runs dnnl_dynamic_matmul.h's kernel instead.
#include <memory>
#include <string>

#include "runtime/cloud/dnnl_activation.h"
#include "runtime/cloud/dnnl_broadcast.h"
#include "runtime/cloud/dnnl_dynamic_matmul.h"
#include "runtime/cloud/dnnl_kernel.h"
#include "runtime/cloud/dnnl_kernels.h"

namespace kiln::cloud {
namespace {

enum class MatMulKind { kGemm, kMatMul, kLinear };

// Strided view of a plain [rows, cols] matrix as its transpose [cols, rows].
memory::desc TransposedView(int64_t rows, int64_t cols) {
  return memory::desc({cols, rows}, memory::data_type::f32, memory::dims{1, cols});
}

// What one oneDNN matmul computes: dst = post_scale * (oscale * a * b + add) with
// `bias` inside, then the activation; each operand is a run-time input or a constant.
struct MatMulPlan {
  memory::desc a;  // the primitive's view of input a_input
  int a_input = 0;
  memory::desc b;  // its view of B: a run-time input, or the constant's bytes
  int b_input = 1;
  const float* b_constant = nullptr;
  float b_scale = 1.0f;     // folded into the packed constant B
  Dims dst;                 // the primitive's dims (plain)
  std::vector<float> bias;  // constant bias, already scaled; empty when none
  memory::desc bias_desc;
  memory::desc add_desc;  // binary-add post-op operand; zero desc when none
  int add_input = -1;     // its run-time input, or -1 for the constant below
  std::vector<float> add_constant;
  float oscale = 1.0f;
  float post_scale = 1.0f;
  bool residual = false;  // input 3, added by a sum post-op
  EltwiseSteps activation;
};

class MatMulKernel final : public DnnlKernel {
 public:
  explicit MatMulKernel(MatMulKind kind) : kind_(kind) {}

 protected:
  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    rt::Result<int64_t> dynamic = ctx.attrs.Int("dynamic_quant", 0);
    if (!dynamic.ok()) return dynamic.status();
    if (*dynamic != 0) {
      if (dynamic_ == nullptr) {
        dynamic_ = MakeDynamicInt8MatMul(kind_ == MatMulKind::kGemm     ? "gemm"
                                         : kind_ == MatMulKind::kMatMul ? "matmul"
                                                                        : "linear");
      }
      return dynamic_->Prepare(ctx);
    }
    dynamic_.reset();
    MatMulPlan plan;
    rt::Result<EltwiseSteps> activation = FusedActivationSteps(ctx.attrs, where());
    if (!activation.ok()) return activation.status();
    plan.activation = *activation;
    Dims out_dims;
    rt::Status s = kind_ == MatMulKind::kGemm     ? PlanGemm(ctx, plan, out_dims)
                   : kind_ == MatMulKind::kMatMul ? PlanMatMul(ctx, plan, out_dims)
                                                  : PlanLinear(ctx, plan, out_dims);
    if (!s.ok()) return s;
    if (s = SetOutput(ctx, 0, out_dims, PlainDesc(out_dims, rt::DType::kF32)); !s.ok()) return s;
    empty_ = NumElements(out_dims) == 0;
    if (empty_) return rt::Status::Ok();
    return Build(ctx, plan);
  }

  rt::Status RunDnnl(const RunContext& ctx) override {
    if (dynamic_ != nullptr) return dynamic_->Run(ctx);
    if (empty_) return rt::Status::Ok();
    if (residual_.active()) {
      residual_.Copy(ctx.inputs[ResidualCopy::kInput], ctx.outputs[0], ctx.stream);
    }
    matmul_.Set(DNNL_ARG_SRC, ctx.inputs[a_input_]);
    matmul_.Set(DNNL_ARG_WEIGHTS, ctx.inputs[b_input_]);
    if (add_input_ >= 0) {
      matmul_.Set(DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, ctx.inputs[add_input_]);
    }
    matmul_.Set(DNNL_ARG_DST, ctx.outputs[0]);
    matmul_.Set(DNNL_ARG_SCRATCHPAD, ctx.scratchpad);
    matmul_.Execute(ctx.stream);
    return rt::Status::Ok();
  }

 private:
  // The addend C (gemm's C scaled by beta, linear's bias) of `c_dims` padded to the output's
  // rank: a constant row becomes the bias; anything else a binary-add post-op. With a run-time
  // C and beta != 1, dst = beta * (oscale / beta * AB + C).
  rt::Status PlanAddend(PrepareContext& ctx, MatMulPlan& plan, int c_input, float beta) {
    const TensorInfo& c = *ctx.inputs[c_input];
    if (rt::Status s = CheckF32(ctx, c_input, 0, static_cast<int>(plan.dst.size())); !s.ok()) {
      return s;
    }
    const Dims c_dims = PadDims(c.dims, plan.dst.size());
    for (size_t i = 0; i < c_dims.size(); ++i) {
      if (c_dims[i] != 1 && c_dims[i] != plan.dst[i]) {
        return Error("input " + std::to_string(c_input) + " has shape " + DimsString(c.dims) +
                     ", which does not broadcast to the result " + DimsString(plan.dst));
      }
    }
    ctx.required[c_input] = PlainDesc(c.dims, rt::DType::kF32);
    if (c.is_constant()) {
      // Expanded once to a row [1, ..., N] (the matmul bias, or a per-column post-op addend)
      // or to the whole result: oneDNN's fast matmul takes no other broadcast.
      bool row = true;
      for (size_t i = 0; i + 1 < c_dims.size(); ++i) row = row && c_dims[i] == 1;
      Dims dims = row ? Dims(plan.dst.size(), 1) : plan.dst;
      dims.back() = plan.dst.back();
      std::vector<float> expanded(NumElements(dims));
      BroadcastCopy(static_cast<const float*>(c.data), c.dims, expanded.data(), dims);
      for (float& x : expanded) x *= beta;
      if (row && plan.oscale == 1.0f) {
        plan.bias = std::move(expanded);
        plan.bias_desc = PlainDesc(dims, rt::DType::kF32);
      } else {
        plan.add_constant = std::move(expanded);
        plan.add_desc = PlainDesc(dims, rt::DType::kF32);
      }
      return rt::Status::Ok();
    }
    const memory::desc desc = PlainDesc(c_dims, rt::DType::kF32);
    plan.add_desc = desc;
    plan.add_input = c_input;
    if (beta != 1.0f) {
      plan.oscale /= beta;
      plan.post_scale = beta;
    }
    return rt::Status::Ok();
  }

  // Sets plan.b (and the constant, if B is one) for B stored as `stored`, viewed as `view`.
  static void PlanB(PrepareContext& ctx, MatMulPlan& plan, const Dims& stored,
                    const memory::desc& view) {
    const TensorInfo& b = *ctx.inputs[1];
    plan.b = view;
    plan.b_input = 1;
    if (b.is_constant()) {
      plan.b_constant = static_cast<const float*>(b.data);
    } else {
      ctx.required[1] = PlainDesc(stored, rt::DType::kF32);
    }
  }

  rt::Status PlanGemm(PrepareContext& ctx, MatMulPlan& plan, Dims& out_dims) {
    if (rt::Status s = CheckF32(ctx, 0, 2, 2); !s.ok()) return s;
    if (rt::Status s = CheckF32(ctx, 1, 2, 2); !s.ok()) return s;
    rt::Result<double> alpha = ctx.attrs.Float("alpha", 1.0);
    if (!alpha.ok()) return alpha.status();
    rt::Result<double> beta = ctx.attrs.Float("beta", 1.0);
    if (!beta.ok()) return beta.status();
    rt::Result<int64_t> trans_a = ctx.attrs.Int("trans_a", 0);
    if (!trans_a.ok()) return trans_a.status();
    rt::Result<int64_t> trans_b = ctx.attrs.Int("trans_b", 0);
    if (!trans_b.ok()) return trans_b.status();
    const Dims& a = ctx.inputs[0]->dims;
    const Dims& b = ctx.inputs[1]->dims;
    const int64_t m = *trans_a ? a[1] : a[0], k = *trans_a ? a[0] : a[1];
    const int64_t kb = *trans_b ? b[1] : b[0], n = *trans_b ? b[0] : b[1];
    if (k != kb) {
      return Error("A " + DimsString(a) + " and B " + DimsString(b) + " (trans_a " +
                   std::to_string(*trans_a) + ", trans_b " + std::to_string(*trans_b) +
                   ") do not multiply");
    }
    plan.a = *trans_a ? TransposedView(a[0], a[1]) : PlainDesc(a, rt::DType::kF32);
    ctx.required[0] = PlainDesc(a, rt::DType::kF32);
    PlanB(ctx, plan, b, *trans_b ? TransposedView(b[0], b[1]) : PlainDesc(b, rt::DType::kF32));
    plan.dst = out_dims = {m, n};
    if (plan.b_constant != nullptr) {
      plan.b_scale = static_cast<float>(*alpha);
    } else {
      plan.oscale = static_cast<float>(*alpha);
    }
    if (Input(ctx, 2) != nullptr && *beta != 0.0) {
      return PlanAddend(ctx, plan, 2, static_cast<float>(*beta));
    }
    return rt::Status::Ok();
  }

  rt::Status PlanMatMul(PrepareContext& ctx, MatMulPlan& plan, Dims& out_dims) {
    if (rt::Status s = CheckF32(ctx, 0, 1, DNNL_MAX_NDIMS); !s.ok()) return s;
    if (rt::Status s = CheckF32(ctx, 1, 1, DNNL_MAX_NDIMS); !s.ok()) return s;
    const Dims& a0 = ctx.inputs[0]->dims;
    const Dims& b0 = ctx.inputs[1]->dims;
    // numpy: a 1-D A is [1, K], a 1-D B is [K, 1]; the promoted dim leaves the result.
    const Dims a1 = a0.size() == 1 ? Dims{1, a0[0]} : a0;
    const Dims b1 = b0.size() == 1 ? Dims{b0[0], 1} : b0;
    const size_t rank = std::max(a1.size(), b1.size());
    const Dims a = PadDims(a1, rank), b = PadDims(b1, rank);
    const int64_t m = a[rank - 2], k = a[rank - 1], n = b[rank - 1];
    Dims dst(rank);
    bool ok = b[rank - 2] == k;
    for (size_t i = 0; ok && i + 2 < rank; ++i) {
      ok = a[i] == b[i] || a[i] == 1 || b[i] == 1;
      dst[i] = std::max(a[i], b[i]);
    }
    if (!ok) {
      return Error("shapes " + DimsString(a0) + " and " + DimsString(b0) + " do not multiply");
    }
    dst[rank - 2] = m;
    dst[rank - 1] = n;
    plan.dst = dst;
    out_dims.assign(dst.begin(), dst.end() - 2);
    if (a0.size() > 1) out_dims.push_back(m);
    if (b0.size() > 1) out_dims.push_back(n);
    plan.a = PlainDesc(a, rt::DType::kF32);
    ctx.required[0] = PlainDesc(a0, rt::DType::kF32);
    PlanB(ctx, plan, b0, PlainDesc(b, rt::DType::kF32));
    return rt::Status::Ok();
  }

  rt::Status PlanLinear(PrepareContext& ctx, MatMulPlan& plan, Dims& out_dims) {
    if (rt::Status s = CheckF32(ctx, 0, 1, DNNL_MAX_NDIMS); !s.ok()) return s;
    if (rt::Status s = CheckF32(ctx, 1, 2, 2); !s.ok()) return s;
    const Dims& x = ctx.inputs[0]->dims;
    const Dims& w = ctx.inputs[1]->dims;
    const int64_t k = x.back(), n = w[1];
    if (w[0] != k) {
      return Error("x " + DimsString(x) + " and the weight " + DimsString(w) +
                   " do not multiply (linear takes w [K, N])");
    }
    const int64_t m = NumElements(x) / (k > 0 ? k : 1);
    plan.a = PlainDesc({m, k}, rt::DType::kF32);
    ctx.required[0] = PlainDesc(x, rt::DType::kF32);
    PlanB(ctx, plan, w, PlainDesc(w, rt::DType::kF32));
    plan.dst = {m, n};
    out_dims.assign(x.begin(), x.end() - 1);
    out_dims.push_back(n);
    if (const TensorInfo* residual = Input(ctx, ResidualCopy::kInput); residual != nullptr) {
      if (rt::Status s = CheckF32(ctx, ResidualCopy::kInput, 1, DNNL_MAX_NDIMS); !s.ok()) {
        return s;
      }
      if (residual->dims != out_dims) {
        return Error("the residual has shape " + DimsString(residual->dims) +
                     ", but the result has " + DimsString(out_dims));
      }
      plan.residual = true;
      ctx.required[ResidualCopy::kInput] = PlainDesc(out_dims, rt::DType::kF32);
    }
    if (Input(ctx, 2) != nullptr) {
      if (NumElements(ctx.inputs[2]->dims) != n || ctx.inputs[2]->dims.size() > 2) {
        return Error("the bias has shape " + DimsString(ctx.inputs[2]->dims) + ", expected [" +
                     std::to_string(n) + "]");
      }
      return PlanAddend(ctx, plan, 2, 1.0f);
    }
    return rt::Status::Ok();
  }

  rt::Status Build(PrepareContext& ctx, const MatMulPlan& plan) {
    dnnl::post_ops ops;
    if (!plan.add_desc.is_zero()) ops.append_binary(dnnl::algorithm::binary_add, plan.add_desc);
    if (plan.residual) ops.append_sum(1.0f);  // after the addend: it stays post-op 0
    if (plan.post_scale != 1.0f) {
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear, plan.post_scale, 0.0f);
    }
    AppendEltwisePostOps(plan.activation, ops);
    dnnl::primitive_attr attr = Attr(ops);
    if (plan.oscale != 1.0f) attr.set_output_scales(0, {plan.oscale});
    const memory::desc dst = PlainDesc(plan.dst, rt::DType::kF32);
    const memory::desc weights =
        plan.b_constant != nullptr ? AnyDesc(plan.b.dims(), rt::DType::kF32) : plan.b;
    dnnl::matmul::desc desc = plan.bias.empty()
                                  ? dnnl::matmul::desc(plan.a, weights, dst)
                                  : dnnl::matmul::desc(plan.a, weights, plan.bias_desc, dst);
    dnnl::matmul::primitive_desc pd(desc, attr, CpuEngine());
    matmul_ = BoundPrimitive(dnnl::matmul(pd));
    matmul_.Bind(DNNL_ARG_SRC, plan.a);
    matmul_.Bind(DNNL_ARG_DST, dst);
    if (plan.b_constant != nullptr) {
      const float* b = plan.b_constant;
      std::vector<float> scaled;
      if (plan.b_scale != 1.0f) {
        scaled.assign(b, b + NumElements(plan.b.dims()));
        for (float& v : scaled) v *= plan.b_scale;
        b = scaled.data();
      }
      matmul_.Bind(DNNL_ARG_WEIGHTS, PackConstant(b, plan.b, pd.weights_desc()));
    } else {
      matmul_.Bind(DNNL_ARG_WEIGHTS, plan.b);
    }
    if (!plan.bias.empty()) {
      matmul_.Bind(DNNL_ARG_BIAS, PackConstant(plan.bias.data(), plan.bias_desc, plan.bias_desc));
    }
    const int add_arg = DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1;
    if (!plan.add_constant.empty()) {
      matmul_.Bind(add_arg, PackConstant(plan.add_constant.data(), plan.add_desc, plan.add_desc));
    } else if (plan.add_input >= 0) {
      matmul_.Bind(add_arg, plan.add_desc);
    }
    UseScratchpad(ctx, pd.scratchpad_desc(), matmul_);
    residual_.Reset();
    if (plan.residual) residual_.Prepare(dst);
    a_input_ = plan.a_input;
    b_input_ = plan.b_input;
    add_input_ = plan.add_input;
    return rt::Status::Ok();
  }

  MatMulKind kind_;
  std::unique_ptr<CloudKernel> dynamic_;  // int8-dynamic (dnnl_dynamic_matmul.h)
  BoundPrimitive matmul_;
  ResidualCopy residual_;
  int a_input_ = 0, b_input_ = 1, add_input_ = -1;
  bool empty_ = false;
};

template <MatMulKind kKind>
std::unique_ptr<CloudKernel> MakeMatMul() {
  return std::make_unique<MatMulKernel>(kKind);
}

}  // namespace

void RegisterDnnlMatMulKernels(KernelRegistry& registry) {
  registry.Register("gemm", &MakeMatMul<MatMulKind::kGemm>);
  registry.Register("matmul", &MakeMatMul<MatMulKind::kMatMul>);
  registry.Register("linear", &MakeMatMul<MatMulKind::kLinear>);
}

}  // namespace kiln::cloud
