// Fully connected layers (gemm, linear, matmul with a constant 2-D weight), elementwise binary
// and unary ops, and softmax over the last axis, on XNNPACK. Cases XNNPACK does not cover go to
// the portable kernel of the same key (XnnKernel::Handles).
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "runtime/edge/kernel_registry.h"
#include "runtime/edge/xnn_kernel.h"

namespace kiln::edge {
namespace {

// gemm (alpha 1, trans_a 0, a constant B and a constant [N] or [1,N] bias at beta 1), linear
// (x[..., K] w[K, N] + b[N]) and matmul (x[..., K] w[K, N]): XNNPACK's fully connected node over
// x seen as [M, K]. The weight is used as stored: [N, K] for gemm with trans_b, else [K, N] with
// XNN_FLAG_TRANSPOSE_WEIGHTS.
class FullyConnectedKernel : public XnnKernel {
 public:
  enum class Kind { kGemm, kLinear, kMatMul };
  explicit FullyConnectedKernel(Kind kind) : kind_(kind) {}

 protected:
  bool HasFusedActivation() const override { return true; }

  bool Handles(const PrepareContext& ctx) const override {
    const TensorInfo* x = ctx.inputs[0];
    const TensorInfo* w = ctx.inputs.size() > 1 ? ctx.inputs[1] : nullptr;
    if (x == nullptr || w == nullptr || !w->is_constant() || w->dims.size() != 2 ||
        x->dims.empty()) {
      return false;
    }
    if (ctx.inputs.size() > 3 && ctx.inputs[3] != nullptr) return false;  // a residual
    const TensorInfo* b = ctx.inputs.size() > 2 ? ctx.inputs[2] : nullptr;
    const int64_t n = kind_ == Kind::kGemm && ctx.attrs.Int("trans_b", 0).value_or(0) != 0
                          ? w->dims[0]
                          : w->dims[1];
    if (b != nullptr && (!b->is_constant() || NumElements(b->dims) != n ||
                         (b->dims.size() == 2 && b->dims[0] != 1) || b->dims.size() > 2)) {
      return false;
    }
    if (kind_ != Kind::kGemm) return true;
    return x->dims.size() == 2 && ctx.attrs.Int("trans_a", 0).value_or(1) == 0 &&
           ctx.attrs.Float("alpha", 1.0).value_or(0.0) == 1.0 &&
           (b == nullptr || ctx.attrs.Float("beta", 1.0).value_or(0.0) == 1.0);
  }

  rt::Status InferDims(const PrepareContext& ctx) override {
    const Dims& x = ctx.inputs[0]->dims;
    const Dims& w = ctx.inputs[1]->dims;
    transpose_ = !(kind_ == Kind::kGemm && ctx.attrs.Int("trans_b", 0).value_or(0) != 0);
    const int64_t k = transpose_ ? w[0] : w[1];
    const int64_t n = transpose_ ? w[1] : w[0];
    if (x.back() != k) {
      return rt::Status::Error(ctx.where + ": input " + DimsString(x) + " and weight " +
                               DimsString(w) + " do not multiply");
    }
    Dims y = x;
    y.back() = n;
    ctx.outputs[0]->dims = y;
    rows_ = NumElements(x) / k;
    k_ = k;
    n_ = n;
    return rt::Status::Ok();
  }

  Dims ValueDims(int i, const TensorInfo& info) const override {
    if (i == 0) return {rows_, k_};
    if (i == 2) return {n_};
    return info.dims;
  }
  Dims OutputValueDims(int, const TensorInfo&) const override { return {rows_, n_}; }

  rt::Status DefineNode(const NodeContext& n) override {
    const uint32_t bias = n.in.size() > 2 ? n.in[2] : XNN_INVALID_VALUE_ID;
    return Check(
        xnn_define_fully_connected(n.subgraph, n.output_min, n.output_max, n.in[0], n.in[1], bias,
                                   n.out[0], transpose_ ? XNN_FLAG_TRANSPOSE_WEIGHTS : 0),
        n, "define fully connected");
  }

 private:
  Kind kind_;
  bool transpose_ = true;
  int64_t rows_ = 0, k_ = 0, n_ = 0;
};

enum class Binary { kAdd, kSub, kMul, kDiv, kMin, kMax };

// Numpy broadcasting, up to XNNPACK's 6 dims... where XNNPACK takes the shapes.
class BinaryKernel : public XnnKernel {
 public:
  explicit BinaryKernel(Binary op) : op_(op) {}

 protected:
  bool Handles(const PrepareContext& ctx) const override {
    return ctx.inputs[0]->dims.size() <= XNN_MAX_TENSOR_DIMS &&
           ctx.inputs[1]->dims.size() <= XNN_MAX_TENSOR_DIMS;
  }
  // XNNPACK's qs8 add (codegen/edge/edge_quantized.h): each input and the result on its grid.
  bool TakesQuantized() const override { return op_ == Binary::kAdd; }

  rt::Status InferDims(const PrepareContext& ctx) override {
    std::optional<portable::FixedDims> y =
        portable::BroadcastDims(ctx.inputs[0]->dims, ctx.inputs[1]->dims);
    if (!y) {
      return rt::Status::Error(ctx.where + ": " + DimsString(ctx.inputs[0]->dims) + " and " +
                               DimsString(ctx.inputs[1]->dims) + " do not broadcast");
    }
    ctx.outputs[0]->dims.assign(y->begin(), y->end());
    return rt::Status::Ok();
  }

  rt::Status DefineNode(const NodeContext& n) override {
    const uint32_t a = n.in[0], b = n.in[1], y = n.out[0];
    const float lo = n.output_min, hi = n.output_max;
    switch (op_) {
      case Binary::kAdd:
        return Check(xnn_define_add2(n.subgraph, lo, hi, a, b, y, 0), n, "define add");
      case Binary::kSub:
        return Check(xnn_define_subtract(n.subgraph, lo, hi, a, b, y, 0), n, "define subtract");
      case Binary::kMul:
        return Check(xnn_define_multiply2(n.subgraph, lo, hi, a, b, y, 0), n, "define multiply");
      case Binary::kDiv:
        return Check(xnn_define_divide(n.subgraph, lo, hi, a, b, y, 0), n, "define divide");
      case Binary::kMin:
        return Check(xnn_define_minimum2(n.subgraph, a, b, y, 0), n, "define minimum");
      case Binary::kMax:
        return Check(xnn_define_maximum2(n.subgraph, a, b, y, 0), n, "define maximum");
    }
    return rt::Status::Error(n.where + ": unknown binary op");
  }

 private:
  Binary op_;
};

enum class Unary {
  kRelu,
  kClip,
  kSigmoid,
  kHardSwish,
  kLeakyRelu,
  kElu,
  kAbs,
  kNeg,
  kFloor,
  kCeil,
  kSqrt,
  kRound
};

class UnaryKernel : public XnnKernel {
 public:
  explicit UnaryKernel(Unary op) : op_(op) {}

 protected:
  bool Handles(const PrepareContext& ctx) const override {
    // clip's bounds must be constants (XNNPACK's clamp takes them at definition).
    for (size_t i = 1; i < ctx.inputs.size(); ++i) {
      if (ctx.inputs[i] != nullptr && !ctx.inputs[i]->is_constant()) return false;
    }
    return true;
  }

  Dims ValueDims(int i, const TensorInfo& info) const override {
    return i == 0 ? info.dims : Dims{};
  }

  rt::Status InferDims(const PrepareContext& ctx) override {
    ctx.outputs[0]->dims = ctx.inputs[0]->dims;
    alpha_ = static_cast<float>(
        ctx.attrs.Float("alpha", op_ == Unary::kLeakyRelu ? 0.01 : 1.0).value_or(0.0));
    min_ = -INFINITY;
    max_ = INFINITY;
    if (op_ == Unary::kClip) {
      for (size_t i = 1; i < ctx.inputs.size() && i < 3; ++i) {
        const TensorInfo* bound = ctx.inputs[i];
        if (bound == nullptr) continue;
        if (bound->dtype != rt::DType::kF32 || NumElements(bound->dims) != 1) {
          return rt::Status::Error(ctx.where + ": clip bounds must be f32 scalars");
        }
        (i == 1 ? min_ : max_) = *static_cast<const float*>(bound->data);
      }
    }
    return rt::Status::Ok();
  }

  rt::Status DefineNode(const NodeContext& n) override {
    xnn_subgraph_t g = n.subgraph;
    const uint32_t x = n.in[0], y = n.out[0];
    switch (op_) {
      case Unary::kRelu:
        return Check(xnn_define_clamp(g, 0.0f, INFINITY, x, y, 0), n, "define relu");
      case Unary::kClip:
        return Check(xnn_define_clamp(g, min_, max_, x, y, 0), n, "define clamp");
      case Unary::kSigmoid:
        return Check(xnn_define_sigmoid(g, x, y, 0), n, "define sigmoid");
      case Unary::kHardSwish:
        return Check(xnn_define_hardswish(g, x, y, 0), n, "define hardswish");
      case Unary::kLeakyRelu:
        return Check(xnn_define_leaky_relu(g, alpha_, x, y, 0), n, "define leaky relu");
      case Unary::kElu:
        return Check(xnn_define_elu(g, alpha_, x, y, 0), n, "define elu");
      case Unary::kAbs:
        return Check(xnn_define_abs(g, x, y, 0), n, "define abs");
      case Unary::kNeg:
        return Check(xnn_define_negate(g, x, y, 0), n, "define negate");
      case Unary::kFloor:
        return Check(xnn_define_floor(g, x, y, 0), n, "define floor");
      case Unary::kCeil:
        return Check(xnn_define_ceiling(g, x, y, 0), n, "define ceiling");
      case Unary::kSqrt:
        return Check(xnn_define_square_root(g, x, y, 0), n, "define square root");
      case Unary::kRound:
        return Check(xnn_define_bankers_rounding(g, x, y, 0), n, "define rounding");
    }
    return rt::Status::Error(n.where + ": unknown unary op");
  }

 private:
  Unary op_;
  float alpha_ = 0.0f, min_ = 0.0f, max_ = 0.0f;
};

// softmax over the last axis (XNNPACK's); other axes are the portable kernel's.
class SoftmaxKernel : public XnnKernel {
 protected:
  bool Handles(const PrepareContext& ctx) const override {
    const int64_t rank = static_cast<int64_t>(ctx.inputs[0]->dims.size());
    const int64_t axis = ctx.attrs.Int("axis", -1).value_or(0);
    return rank >= 1 && (axis == -1 || axis == rank - 1);
  }
  rt::Status InferDims(const PrepareContext& ctx) override {
    ctx.outputs[0]->dims = ctx.inputs[0]->dims;
    return rt::Status::Ok();
  }
  rt::Status DefineNode(const NodeContext& n) override {
    return Check(xnn_define_softmax(n.subgraph, n.in[0], n.out[0], 0), n, "define softmax");
  }
};

template <typename K, auto kArg>
std::unique_ptr<EdgeKernel> Make() {
  return std::unique_ptr<EdgeKernel>(new K(kArg));
}

}  // namespace

void RegisterXnnElementwiseKernels(KernelRegistry& registry) {
  using FC = FullyConnectedKernel;
  registry.Register("gemm", Make<FC, FC::Kind::kGemm>);
  registry.Register("linear", Make<FC, FC::Kind::kLinear>);
  registry.Register("matmul", Make<FC, FC::Kind::kMatMul>);
  registry.Register("add", Make<BinaryKernel, Binary::kAdd>);
  registry.Register("sub", Make<BinaryKernel, Binary::kSub>);
  registry.Register("mul", Make<BinaryKernel, Binary::kMul>);
  registry.Register("div", Make<BinaryKernel, Binary::kDiv>);
  registry.Register("min", Make<BinaryKernel, Binary::kMin>);
  registry.Register("max", Make<BinaryKernel, Binary::kMax>);
  registry.Register("relu", Make<UnaryKernel, Unary::kRelu>);
  registry.Register("clip", Make<UnaryKernel, Unary::kClip>);
  registry.Register("sigmoid", Make<UnaryKernel, Unary::kSigmoid>);
  registry.Register("hard_swish", Make<UnaryKernel, Unary::kHardSwish>);
  registry.Register("leaky_relu", Make<UnaryKernel, Unary::kLeakyRelu>);
  registry.Register("elu", Make<UnaryKernel, Unary::kElu>);
  registry.Register("abs", Make<UnaryKernel, Unary::kAbs>);
  registry.Register("neg", Make<UnaryKernel, Unary::kNeg>);
  registry.Register("floor", Make<UnaryKernel, Unary::kFloor>);
  registry.Register("ceil", Make<UnaryKernel, Unary::kCeil>);
  registry.Register("sqrt", Make<UnaryKernel, Unary::kSqrt>);
  registry.Register("round", Make<UnaryKernel, Unary::kRound>);
  registry.Register("softmax", [] { return std::unique_ptr<EdgeKernel>(new SoftmaxKernel); });
}

}  // namespace kiln::edge
