#include "runtime/cloud/dnnl_dynamic_matmul.h"

#include <span>
#include <string>
#include <vector>

#include "runtime/cloud/dnnl_activation.h"
#include "runtime/cloud/dnnl_kernel.h"
#include "runtime/cloud/dnnl_quant.h"
#include "runtime/reference/kernels/dynamic_quantize.h"

namespace kiln::cloud {
namespace {

// Post-op 0's operand: the input's scale.
constexpr int kInputScaleArg = DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1;

memory::desc ScalarDesc() { return PlainDesc({1, 1}, rt::DType::kF32); }

class DynamicInt8MatMul final : public DnnlKernel {
 public:
  explicit DynamicInt8MatMul(std::string_view op) : op_(op) {}

 protected:
  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    const int max_rank = op_ == "gemm" ? 2 : DNNL_MAX_NDIMS;
    if (rt::Status s = CheckF32(ctx, 0, op_ == "gemm" ? 2 : 1, max_rank); !s.ok()) return s;
    const TensorInfo& x = *ctx.inputs[0];
    const TensorInfo* w = Input(ctx, 1);
    if (w == nullptr || !w->is_constant() || w->dtype != rt::DType::kI8 || w->dims.size() != 2 ||
        w->quant == nullptr) {
      return Error("int8-dynamic takes a constant i8 weight of rank 2");
    }
    bool trans_b = false;
    if (op_ == "gemm") {
      rt::Result<int64_t> trans_a = ctx.attrs.Int("trans_a", 0);
      rt::Result<int64_t> tb = ctx.attrs.Int("trans_b", 0);
      rt::Result<double> alpha = ctx.attrs.Float("alpha", 1.0);
      rt::Result<double> beta = ctx.attrs.Float("beta", 1.0);
      if (!trans_a.ok() || !tb.ok() || !alpha.ok() || !beta.ok() || *trans_a != 0 ||
          *alpha != 1.0 || *beta != 1.0) {
        return Error("int8-dynamic gemm takes trans_a = 0 and alpha = beta = 1");
      }
      trans_b = *tb != 0;
    }
    const int64_t k = x.dims.back();
    const int64_t n = trans_b ? w->dims[0] : w->dims[1];
    const int n_axis = trans_b ? 0 : 1;
    if ((trans_b ? w->dims[1] : w->dims[0]) != k) {
      return Error("x " + DimsString(x.dims) + " and the weight " + DimsString(w->dims) +
                   " do not multiply");
    }
    if (!SingleZeroPoint(*w) || ZeroPoint(*w) != 0 ||
        !(IsPerTensor(*w) || w->quant->axis() == n_axis)) {
      return Error("int8-dynamic takes weights per tensor or per output channel, zero point 0");
    }
    m_ = NumElements(x.dims) / (k > 0 ? k : 1);
    k_ = k;
    Dims out_dims(x.dims.begin(), x.dims.end() - 1);
    out_dims.push_back(n);
    ctx.required[0] = PlainDesc(x.dims, rt::DType::kF32);
    if (rt::Status s = SetOutput(ctx, 0, out_dims, PlainDesc(out_dims, rt::DType::kF32)); !s.ok())
      return s;
    empty_ = m_ == 0 || n == 0;
    if (empty_) return rt::Status::Ok();

    // int8: dst = w_scale[n] * (sum (q_x - zp) q_w) (static output scales), times the input's
    // scale (post-op 0, a run-time [1, 1] operand: run-time output scales would take oneDNN off
    // its brgemm kernels), plus bias, residual and activation.
    weight_scales_ = ChannelScales(*w, n);
    exact_f32_ = !HasInt8DotProduct();
    dnnl::post_ops ops;
    if (!exact_f32_) ops.append_binary(dnnl::algorithm::binary_mul, ScalarDesc());
    std::vector<float> bias;
    if (const TensorInfo* b = Input(ctx, 2); b != nullptr) {
      if (b->dtype != rt::DType::kF32 || !b->is_constant() || NumElements(b->dims) != n ||
          (b->dims.size() == 2 && b->dims[0] != 1) || b->dims.size() > 2) {
        return Error("int8-dynamic takes a bias that is a constant f32 row of " +
                     std::to_string(n));
      }
      const auto* data = static_cast<const float*>(b->data);
      bias.assign(data, data + n);
      ops.append_binary(dnnl::algorithm::binary_add, PlainDesc({1, n}, rt::DType::kF32));
    }
    const TensorInfo* residual = op_ == "linear" ? Input(ctx, ResidualCopy::kInput) : nullptr;
    const memory::desc dst = PlainDesc({m_, n}, rt::DType::kF32);
    if (residual != nullptr) {
      if (residual->dtype != rt::DType::kF32 || residual->dims != out_dims) {
        return Error("the residual must be f32 of the result's shape " + DimsString(out_dims));
      }
      ops.append_sum(1.0f);
      ctx.required[ResidualCopy::kInput] = PlainDesc(out_dims, rt::DType::kF32);
    }
    rt::Result<EltwiseSteps> activation = FusedActivationSteps(ctx.attrs, where());
    if (!activation.ok()) return activation.status();
    AppendEltwisePostOps(*activation, ops);
    dnnl::primitive_attr attr = Attr(ops);
    if (!exact_f32_) {
      attr.set_output_scales(1 << 1, weight_scales_);
      attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
    }
    const rt::DType src_type = exact_f32_ ? rt::DType::kF32 : rt::DType::kU8;
    const rt::DType w_type = exact_f32_ ? rt::DType::kF32 : rt::DType::kI8;
    const memory::desc src = PlainDesc({m_, k}, src_type);
    // The weight as [K, N]: a strided view of [N, K] for trans_b.
    const memory::desc w_stored =
        trans_b ? memory::desc({k, n}, DnnlDataType(w_type), {1, k}) : PlainDesc({k, n}, w_type);
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, AnyDesc({k, n}, w_type), dst),
                                          attr, CpuEngine());
    matmul_ = BoundPrimitive(dnnl::matmul(pd));
    matmul_.Bind(DNNL_ARG_SRC, src);
    if (exact_f32_) {
      // The codes times their channel's scale, as the reference runtime dequantizes them.
      const auto* codes = static_cast<const int8_t*>(w->data);
      std::vector<float> real(static_cast<size_t>(k * n));
      for (int64_t i = 0; i < k * n; ++i) {
        const int64_t channel = trans_b ? i / k : i % n;
        real[i] = static_cast<float>(codes[i]) * weight_scales_[channel];
      }
      matmul_.Bind(DNNL_ARG_WEIGHTS, PackConstant(real.data(), w_stored, pd.weights_desc()));
    } else {
      matmul_.Bind(DNNL_ARG_WEIGHTS, PackConstant(w->data, w_stored, pd.weights_desc()));
      matmul_.Bind(kInputScaleArg, ScalarDesc());
      matmul_.Bind(DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, PlainDesc({1}, rt::DType::kI32));
    }
    matmul_.Bind(DNNL_ARG_DST, dst);
    if (!bias.empty()) {
      const memory::desc row = PlainDesc({1, n}, rt::DType::kF32);
      matmul_.Bind(DNNL_ARG_ATTR_MULTIPLE_POST_OP(exact_f32_ ? 0 : 1) | DNNL_ARG_SRC_1,
                   PackConstant(bias.data(), row, row));
    }
    UseScratchpad(ctx, pd.scratchpad_desc(), matmul_);
    residual_.Reset();
    if (residual != nullptr) residual_.Prepare(dst);
    src_.assign(static_cast<size_t>(m_ * k) * (exact_f32_ ? sizeof(float) : 1), 0);
    return rt::Status::Ok();
  }

  rt::Status RunDnnl(const RunContext& ctx) override {
    if (empty_) return rt::Status::Ok();
    const auto* x = static_cast<const float*>(ctx.inputs[0]);
    const int64_t count = m_ * k_;
    const ref::DynamicU8Params p =
        ref::ChooseDynamicU8(std::span<const float>(x, static_cast<size_t>(count)));
    const bool parallel = ctx.threads > 1 && count >= 1 << 15;
    if (exact_f32_) {  // the grid's values in f32, as the reference runtime computes them
      auto* real = reinterpret_cast<float*>(src_.data());
#pragma omp parallel for num_threads(ctx.threads) if (parallel)
      for (int64_t i = 0; i < count; ++i) {
        real[i] = static_cast<float>(ref::QuantizeDynamicU8(x[i], p) - p.zero_point) * p.scale;
      }
    } else {
      ref::QuantizeDynamicU8(std::span<const float>(x, static_cast<size_t>(count)), p, src_.data());
      input_scale_ = p.scale;
      zero_point_ = p.zero_point;
    }

    if (residual_.active()) {
      residual_.Copy(ctx.inputs[ResidualCopy::kInput], ctx.outputs[0], ctx.stream);
    }
    matmul_.Set(DNNL_ARG_SRC, src_.data());
    matmul_.Set(kInputScaleArg, &input_scale_);
    matmul_.Set(DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, &zero_point_);
    matmul_.Set(DNNL_ARG_DST, ctx.outputs[0]);
    matmul_.Set(DNNL_ARG_SCRATCHPAD, ctx.scratchpad);
    matmul_.Execute(ctx.stream);
    return rt::Status::Ok();
  }

 private:
  std::string op_;
  BoundPrimitive matmul_;
  ResidualCopy residual_;
  int64_t m_ = 0, k_ = 0;
  bool empty_ = false;
  std::vector<float> weight_scales_;  // per output channel
  float input_scale_ = 1.0f;
  std::vector<uint8_t> src_;  // the quantized input (u8, or its f32 values when exact_f32_)
  int32_t zero_point_ = 0;
  bool exact_f32_ = false;
};

}  // namespace

std::unique_ptr<CloudKernel> MakeDynamicInt8MatMul(std::string_view op) {
  return std::make_unique<DynamicInt8MatMul>(op);
}

}  // namespace kiln::cloud
