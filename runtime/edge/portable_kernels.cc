// The edge runtime's portable kernels: ops XNNPACK does not have (data movement, layer norm,
// reductions, matmul of two activations, ...), each an EdgeKernel that computes its output dims
// from its attributes and calls runtime/edge/portable/.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/edge/activation.h"
#include "runtime/edge/kernel_registry.h"
#include "runtime/edge/portable/binary.h"
#include "runtime/edge/portable/concat.h"
#include "runtime/edge/portable/gather.h"
#include "runtime/edge/portable/layer_norm.h"
#include "runtime/edge/portable/matmul.h"
#include "runtime/edge/portable/reduce.h"
#include "runtime/edge/portable/slice.h"
#include "runtime/edge/portable/softmax.h"
#include "runtime/edge/portable/transpose.h"
#include "runtime/edge/portable/unary.h"

namespace kiln::edge {
namespace {

rt::Status Error(const PrepareContext& ctx, const std::string& message) {
  return rt::Status::Error(ctx.where + ": " + message);
}

// Resolves a possibly negative axis of a rank-`rank` tensor; false when out of range.
bool ResolveAxis(int64_t axis, int64_t rank, int64_t* out) {
  if (axis < 0) axis += rank;
  *out = axis;
  return axis >= 0 && axis < rank;
}

// The integer values of a constant i32/i64 tensor; false for anything else.
bool ConstantInts(const TensorInfo* t, std::vector<int64_t>* out) {
  if (t == nullptr || !t->is_constant()) return false;
  const int64_t n = NumElements(t->dims);
  out->resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    if (t->dtype == rt::DType::kI64) {
      (*out)[i] = static_cast<const int64_t*>(t->data)[i];
    } else if (t->dtype == rt::DType::kI32) {
      (*out)[i] = static_cast<const int32_t*>(t->data)[i];
    } else {
      return false;
    }
  }
  return true;
}

size_t ElemSize(const TensorInfo& t) {
  return static_cast<size_t>(rt::DTypeStorageBytes(t.dtype, 1));
}

// Keeps the bound buffers and the prepared dims; subclasses compute and run.
class PortableKernel : public EdgeKernel {
 public:
  rt::Status Bind(std::span<const void* const> inputs, std::span<void* const> outputs) override {
    in_.assign(inputs.begin(), inputs.end());
    out_.assign(outputs.begin(), outputs.end());
    return rt::Status::Ok();
  }

 protected:
  // Records the dims Run needs and sets the output's.
  void Keep(const PrepareContext& ctx) {
    in_dims_.clear();
    for (const TensorInfo* t : ctx.inputs) in_dims_.push_back(t != nullptr ? t->dims : Dims{});
    out_dims_ = ctx.outputs[0]->dims;
    elem_size_ = ctx.inputs[0] != nullptr ? ElemSize(*ctx.inputs[0]) : 4;
  }
  const float* InF(size_t i) const { return static_cast<const float*>(in_[i]); }
  float* OutF() const { return static_cast<float*>(out_[0]); }

  std::vector<const void*> in_;
  std::vector<void*> out_;
  std::vector<Dims> in_dims_;
  Dims out_dims_;
  size_t elem_size_ = 4;
};

// reshape, flatten, squeeze, unsqueeze, identity: the same bytes under new dims.
class CopyKernel : public PortableKernel {
 public:
  enum class Kind { kReshape, kFlatten, kSqueeze, kUnsqueeze, kIdentity };
  explicit CopyKernel(Kind kind) : kind_(kind) {}

  rt::Status Prepare(const PrepareContext& ctx) override {
    const Dims& x = ctx.inputs[0]->dims;
    const int64_t rank = static_cast<int64_t>(x.size());
    Dims y;
    switch (kind_) {
      case Kind::kIdentity:
        y = x;
        break;
      case Kind::kReshape: {
        std::vector<int64_t> shape;
        if (!ConstantInts(ctx.inputs.size() > 1 ? ctx.inputs[1] : nullptr, &shape)) {
          return Error(ctx, "the shape must be an integer constant");
        }
        const bool allowzero = ctx.attrs.Int("allowzero", 0).value_or(0) != 0;
        int64_t known = 1, infer = -1;
        for (size_t i = 0; i < shape.size(); ++i) {
          int64_t d = shape[i];
          if (d == 0 && !allowzero) {
            if (i >= x.size()) return Error(ctx, "shape copies a dim the input lacks");
            d = x[i];
          }
          if (d == -1) {
            if (infer >= 0) return Error(ctx, "shape has two -1 dims");
            infer = static_cast<int64_t>(i);
          } else if (d < 0) {
            return Error(ctx, "shape has a negative dim");
          } else {
            known *= d;
          }
          y.push_back(d);
        }
        const int64_t total = NumElements(x);
        if (infer >= 0) {
          if (known == 0 || total % known != 0) return Error(ctx, "cannot infer the -1 dim");
          y[infer] = total / known;
        }
        break;
      }
      case Kind::kFlatten: {
        int64_t axis = 0;
        if (!ResolveAxis(ctx.attrs.Int("axis", 1).value_or(1), rank + 1, &axis)) {
          return Error(ctx, "axis out of range");
        }
        y = {portable::DimProduct(x, 0, axis), portable::DimProduct(x, axis, x.size())};
        break;
      }
      case Kind::kSqueeze: {
        std::vector<int64_t> axes = ctx.attrs.Ints("axes", {}).value_or({});
        std::vector<bool> drop(x.size(), axes.empty());
        if (axes.empty()) {
          for (size_t d = 0; d < x.size(); ++d) drop[d] = x[d] == 1;
        }
        for (int64_t a : axes) {
          int64_t axis = 0;
          if (!ResolveAxis(a, rank, &axis) || x[axis] != 1) {
            return Error(ctx, "squeeze axis " + std::to_string(a) + " is not a dim of size 1");
          }
          drop[axis] = true;
        }
        for (size_t d = 0; d < x.size(); ++d) {
          if (!drop[d]) y.push_back(x[d]);
        }
        break;
      }
      case Kind::kUnsqueeze: {
        std::vector<int64_t> axes = ctx.attrs.Ints("axes", {}).value_or({});
        const int64_t out_rank = rank + static_cast<int64_t>(axes.size());
        std::vector<bool> added(static_cast<size_t>(out_rank), false);
        for (int64_t a : axes) {
          int64_t axis = 0;
          if (!ResolveAxis(a, out_rank, &axis) || added[axis]) {
            return Error(ctx, "bad unsqueeze axis " + std::to_string(a));
          }
          added[axis] = true;
        }
        size_t next = 0;
        for (int64_t d = 0; d < out_rank; ++d) y.push_back(added[d] ? 1 : x[next++]);
        break;
      }
    }
    if (NumElements(y) != NumElements(x)) {
      return Error(ctx, "cannot view " + DimsString(x) + " as " + DimsString(y));
    }
    ctx.outputs[0]->dims = y;
    Keep(ctx);
    bytes_ = NumElements(x) * static_cast<int64_t>(elem_size_);
    return rt::Status::Ok();
  }

  rt::Status Run() override {
    if (out_[0] != in_[0]) std::memmove(out_[0], in_[0], static_cast<size_t>(bytes_));
    return rt::Status::Ok();
  }

 private:
  Kind kind_;
  int64_t bytes_ = 0;
};

class TransposeKernel : public PortableKernel {
 public:
  rt::Status Prepare(const PrepareContext& ctx) override {
    const Dims& x = ctx.inputs[0]->dims;
    std::vector<int64_t> reversed;
    for (int64_t d = static_cast<int64_t>(x.size()) - 1; d >= 0; --d) reversed.push_back(d);
    perm_ = ctx.attrs.Ints("perm", reversed).value_or({});
    if (perm_.size() != x.size()) return Error(ctx, "perm does not match the input's rank");
    std::vector<bool> seen(x.size(), false);
    Dims y;
    for (int64_t p : perm_) {
      if (p < 0 || p >= static_cast<int64_t>(x.size()) || seen[p]) return Error(ctx, "bad perm");
      seen[p] = true;
      y.push_back(x[p]);
    }
    ctx.outputs[0]->dims = y;
    Keep(ctx);
    return rt::Status::Ok();
  }
  rt::Status Run() override {
    portable::Transpose(in_[0], in_dims_[0], perm_, elem_size_, out_[0]);
    return rt::Status::Ok();
  }

 private:
  std::vector<int64_t> perm_;
};

class ConcatKernel : public PortableKernel {
 public:
  rt::Status Prepare(const PrepareContext& ctx) override {
    const Dims& first = ctx.inputs[0]->dims;
    int64_t axis = 0;
    if (!ResolveAxis(ctx.attrs.Int("axis", 0).value_or(0), static_cast<int64_t>(first.size()),
                     &axis)) {
      return Error(ctx, "axis out of range");
    }
    Dims y = first;
    y[axis] = 0;
    for (const TensorInfo* t : ctx.inputs) {
      if (t == nullptr || t->dims.size() != first.size()) return Error(ctx, "ranks differ");
      for (size_t d = 0; d < first.size(); ++d) {
        if (static_cast<int64_t>(d) != axis && t->dims[d] != first[d]) {
          return Error(ctx, "inputs differ outside the axis");
        }
      }
      y[axis] += t->dims[axis];
    }
    axis_ = static_cast<int>(axis);
    ctx.outputs[0]->dims = y;
    Keep(ctx);
    return rt::Status::Ok();
  }
  rt::Status Run() override {
    std::vector<portable::Dims> dims(in_dims_.begin(), in_dims_.end());
    portable::Concat(in_, dims, axis_, elem_size_, out_[0]);
    return rt::Status::Ok();
  }

 private:
  int axis_ = 0;
};

// slice(data, starts, ends, axes?, steps?) with constant starts/ends/axes/steps (ONNX clamping).
class SliceKernel : public PortableKernel {
 public:
  rt::Status Prepare(const PrepareContext& ctx) override {
    const Dims& x = ctx.inputs[0]->dims;
    const int64_t rank = static_cast<int64_t>(x.size());
    std::vector<int64_t> starts, ends, axes, steps;
    auto operand = [&](size_t i) { return i < ctx.inputs.size() ? ctx.inputs[i] : nullptr; };
    if (!ConstantInts(operand(1), &starts) || !ConstantInts(operand(2), &ends) ||
        starts.size() != ends.size()) {
      return Error(ctx, "starts and ends must be integer constants of one length");
    }
    if (operand(3) == nullptr) {
      for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    } else if (!ConstantInts(operand(3), &axes) || axes.size() != starts.size()) {
      return Error(ctx, "axes must be an integer constant like starts");
    }
    if (operand(4) == nullptr) {
      steps.assign(starts.size(), 1);
    } else if (!ConstantInts(operand(4), &steps) || steps.size() != starts.size()) {
      return Error(ctx, "steps must be an integer constant like starts");
    }
    starts_.assign(x.size(), 0);
    steps_.assign(x.size(), 1);
    Dims y = x;
    for (size_t i = 0; i < starts.size(); ++i) {
      int64_t axis = 0;
      if (!ResolveAxis(axes[i], rank, &axis)) return Error(ctx, "axis out of range");
      const int64_t dim = x[axis], step = steps[i];
      if (step == 0) return Error(ctx, "a step is 0");
      int64_t start = starts[i] < 0 ? starts[i] + dim : starts[i];
      int64_t end = ends[i] < 0 ? ends[i] + dim : ends[i];
      if (step > 0) {
        start = std::clamp<int64_t>(start, 0, dim);
        end = std::clamp<int64_t>(end, 0, dim);
        y[axis] = end > start ? (end - start + step - 1) / step : 0;
      } else {
        start = std::clamp<int64_t>(start, 0, dim - 1);
        end = std::clamp<int64_t>(end, -1, dim - 1);
        y[axis] = start > end ? (start - end - step - 1) / -step : 0;
      }
      starts_[axis] = start;
      steps_[axis] = step;
    }
    ctx.outputs[0]->dims = y;
    Keep(ctx);
    return rt::Status::Ok();
  }
  rt::Status Run() override {
    if (NumElements(out_dims_) == 0) return rt::Status::Ok();
    portable::Slice(in_[0], in_dims_[0], starts_, steps_, out_dims_, elem_size_, out_[0]);
    return rt::Status::Ok();
  }

 private:
  std::vector<int64_t> starts_, steps_;
};

// gather(data, indices) along `axis`; indices i32 or i64, checked and normalized every run.
class GatherKernel : public PortableKernel {
 public:
  rt::Status Prepare(const PrepareContext& ctx) override {
    const Dims& x = ctx.inputs[0]->dims;
    const TensorInfo& indices = *ctx.inputs[1];
    if (indices.dtype != rt::DType::kI64 && indices.dtype != rt::DType::kI32) {
      return Error(ctx, "indices must be i32 or i64");
    }
    int64_t axis = 0;
    if (!ResolveAxis(ctx.attrs.Int("axis", 0).value_or(0), static_cast<int64_t>(x.size()), &axis)) {
      return Error(ctx, "axis out of range");
    }
    Dims y(x.begin(), x.begin() + axis);
    y.insert(y.end(), indices.dims.begin(), indices.dims.end());
    y.insert(y.end(), x.begin() + axis + 1, x.end());
    axis_ = static_cast<int>(axis);
    wide_ = indices.dtype == rt::DType::kI64;
    normalized_.resize(static_cast<size_t>(NumElements(indices.dims)));
    where_ = ctx.where;
    ctx.outputs[0]->dims = y;
    Keep(ctx);
    return rt::Status::Ok();
  }
  rt::Status Run() override {
    const int64_t dim = in_dims_[0][axis_];
    for (size_t i = 0; i < normalized_.size(); ++i) {
      int64_t v =
          wide_ ? static_cast<const int64_t*>(in_[1])[i] : static_cast<const int32_t*>(in_[1])[i];
      if (v < 0) v += dim;
      if (v < 0 || v >= dim) {
        return rt::Status::Error(where_ + ": index " + std::to_string(v) + " is out of range");
      }
      normalized_[i] = v;
    }
    portable::Gather(in_[0], in_dims_[0], axis_, normalized_.data(),
                     static_cast<int64_t>(normalized_.size()), elem_size_, out_[0]);
    return rt::Status::Ok();
  }

 private:
  int axis_ = 0;
  bool wide_ = true;
  std::vector<int64_t> normalized_;
  std::string where_;
};

class LayerNormKernel : public PortableKernel {
 public:
  rt::Status Prepare(const PrepareContext& ctx) override {
    const Dims& x = ctx.inputs[0]->dims;
    if (ctx.outputs.size() != 1) return Error(ctx, "mean/inv_std outputs are not supported");
    int64_t axis = 0;
    if (!ResolveAxis(ctx.attrs.Int("axis", -1).value_or(-1), static_cast<int64_t>(x.size()),
                     &axis)) {
      return Error(ctx, "axis out of range");
    }
    const int64_t inner = portable::DimProduct(x, axis, x.size());
    for (size_t i = 1; i < 3 && i < ctx.inputs.size(); ++i) {
      if (ctx.inputs[i] != nullptr && NumElements(ctx.inputs[i]->dims) != inner) {
        return Error(ctx, "scale and bias must cover the normalized dims");
      }
    }
    axis_ = static_cast<int>(axis);
    epsilon_ = static_cast<float>(ctx.attrs.Float("epsilon", 1e-5).value_or(1e-5));
    ctx.outputs[0]->dims = x;
    Keep(ctx);
    return rt::Status::Ok();
  }
  rt::Status Run() override {
    portable::LayerNorm(InF(0), in_dims_[0], axis_, in_.size() > 1 ? InF(1) : nullptr,
                        in_.size() > 2 ? InF(2) : nullptr, epsilon_, OutF());
    return rt::Status::Ok();
  }

 private:
  int axis_ = -1;
  float epsilon_ = 1e-5f;
};

class SoftmaxKernel : public PortableKernel {
 public:
  explicit SoftmaxKernel(bool log) : log_(log) {}
  rt::Status Prepare(const PrepareContext& ctx) override {
    const Dims& x = ctx.inputs[0]->dims;
    int64_t axis = 0;
    if (!ResolveAxis(ctx.attrs.Int("axis", -1).value_or(-1), static_cast<int64_t>(x.size()),
                     &axis)) {
      return Error(ctx, "axis out of range");
    }
    axis_ = static_cast<int>(axis);
    ctx.outputs[0]->dims = x;
    Keep(ctx);
    return rt::Status::Ok();
  }
  rt::Status Run() override {
    portable::Softmax(InF(0), in_dims_[0], axis_, log_, OutF());
    return rt::Status::Ok();
  }

 private:
  bool log_;
  int axis_ = -1;
};

// reduce_* over the `axes` attribute (all axes when empty, unless noop_with_empty_axes);
// global_max_pool: max over H and W of NHWC.
class ReduceKernel : public PortableKernel {
 public:
  ReduceKernel(portable::ReduceKind kind, bool global_pool) : kind_(kind), global_(global_pool) {}
  rt::Status Prepare(const PrepareContext& ctx) override {
    const Dims& x = ctx.inputs[0]->dims;
    const int64_t rank = static_cast<int64_t>(x.size());
    std::vector<int64_t> axes;
    bool keepdims = true;
    if (global_) {
      if (rank != 4 || ctx.attrs.String("layout", "NCHW").value_or("") != "NHWC") {
        return Error(ctx, "the edge runtime runs 4-D NHWC global pools only");
      }
      axes = {1, 2};
    } else {
      axes = ctx.attrs.Ints("axes", {}).value_or({});
      keepdims = ctx.attrs.Int("keepdims", 1).value_or(1) != 0;
      if (axes.empty() && ctx.attrs.Int("noop_with_empty_axes", 0).value_or(0) == 0) {
        for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
      }
    }
    for (int64_t& a : axes) {
      if (!ResolveAxis(a, rank, &a)) return Error(ctx, "axis out of range");
    }
    std::sort(axes.begin(), axes.end());
    axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
    Dims y;
    for (int64_t d = 0; d < rank; ++d) {
      const bool reduced = std::binary_search(axes.begin(), axes.end(), d);
      if (!reduced) {
        y.push_back(x[d]);
      } else if (keepdims) {
        y.push_back(1);
      }
    }
    axes_ = axes;
    ctx.outputs[0]->dims = y;
    Keep(ctx);
    return rt::Status::Ok();
  }
  rt::Status Run() override {
    portable::Reduce(kind_, InF(0), in_dims_[0], axes_, OutF());
    return rt::Status::Ok();
  }

 private:
  portable::ReduceKind kind_;
  bool global_;
  std::vector<int64_t> axes_;
};

// matmul / linear of any operands (a non-constant weight: attention's Q·Kᵀ): numpy matmul, then
// linear's bias and residual, then the fused activation.
class MatMulKernel : public PortableKernel {
 public:
  explicit MatMulKernel(bool linear) : linear_(linear) {}
  rt::Status Prepare(const PrepareContext& ctx) override {
    const Dims& a = ctx.inputs[0]->dims;
    const Dims& b = ctx.inputs[1]->dims;
    std::optional<portable::FixedDims> y = portable::MatMulOutputDims(a, b);
    if (!y) return Error(ctx, DimsString(a) + " and " + DimsString(b) + " do not multiply");
    ctx.outputs[0]->dims.assign(y->begin(), y->end());
    const int64_t n = y->size() > 0 ? (*y)[y->size() - 1] : 1;
    if (linear_ && ctx.inputs.size() > 2 && ctx.inputs[2] != nullptr &&
        NumElements(ctx.inputs[2]->dims) != n) {
      return Error(ctx, "the bias must have " + std::to_string(n) + " elements");
    }
    if (linear_ && ctx.inputs.size() > 3 && ctx.inputs[3] != nullptr &&
        ctx.inputs[3]->dims != ctx.outputs[0]->dims) {
      return Error(ctx, "the residual must have the result's dims");
    }
    rt::Result<Activation> activation = ReadFusedActivation(ctx.attrs);
    if (!activation.ok()) return Error(ctx, activation.status().message());
    activation_ = *activation;
    n_ = n;
    Keep(ctx);
    return rt::Status::Ok();
  }
  rt::Status Run() override {
    float* y = OutF();
    portable::MatMul(InF(0), in_dims_[0], InF(1), in_dims_[1], y);
    const int64_t total = NumElements(out_dims_);
    if (linear_ && in_.size() > 2 && in_[2] != nullptr) {
      const float* bias = InF(2);
      for (int64_t i = 0; i < total; ++i) y[i] += bias[i % n_];
    }
    if (linear_ && in_.size() > 3 && in_[3] != nullptr) {
      const float* residual = InF(3);
      for (int64_t i = 0; i < total; ++i) y[i] += residual[i];
    }
    ApplyActivation(activation_, y, total);
    return rt::Status::Ok();
  }

 private:
  bool linear_;
  int64_t n_ = 1;
  Activation activation_;
};

// gemm in general (ONNX Gemm: alpha, beta, trans_a, trans_b, a C that broadcasts to [M, N]), for
// what XNNPACK's fully connected node does not take: y = alpha * A' B' + beta * C.
class GemmKernel : public PortableKernel {
 public:
  rt::Status Prepare(const PrepareContext& ctx) override {
    const Dims& a = ctx.inputs[0]->dims;
    const Dims& b = ctx.inputs[1]->dims;
    if (a.size() != 2 || b.size() != 2) return Error(ctx, "gemm operands must be 2-D");
    trans_a_ = ctx.attrs.Int("trans_a", 0).value_or(0) != 0;
    trans_b_ = ctx.attrs.Int("trans_b", 0).value_or(0) != 0;
    alpha_ = static_cast<float>(ctx.attrs.Float("alpha", 1.0).value_or(1.0));
    beta_ = static_cast<float>(ctx.attrs.Float("beta", 1.0).value_or(1.0));
    m_ = trans_a_ ? a[1] : a[0];
    k_ = trans_a_ ? a[0] : a[1];
    n_ = trans_b_ ? b[0] : b[1];
    if ((trans_b_ ? b[1] : b[0]) != k_) {
      return Error(ctx, DimsString(a) + " and " + DimsString(b) + " do not multiply");
    }
    const Dims y = {m_, n_};
    const TensorInfo* c = ctx.inputs.size() > 2 ? ctx.inputs[2] : nullptr;
    if (c != nullptr) {
      std::optional<portable::FixedDims> with_c = portable::BroadcastDims(y, c->dims);
      if (!with_c || Dims(with_c->begin(), with_c->end()) != y) {
        return Error(ctx, "C " + DimsString(c->dims) + " does not broadcast to " + DimsString(y));
      }
    }
    rt::Result<Activation> activation = ReadFusedActivation(ctx.attrs);
    if (!activation.ok()) return Error(ctx, activation.status().message());
    activation_ = *activation;
    if (c != nullptr) scaled_c_.reserve(static_cast<size_t>(NumElements(c->dims)));
    a_t_.resize(trans_a_ ? static_cast<size_t>(m_ * k_) : 0);
    b_t_.resize(trans_b_ ? static_cast<size_t>(k_ * n_) : 0);
    ctx.outputs[0]->dims = y;
    Keep(ctx);
    return rt::Status::Ok();
  }
  rt::Status Run() override {
    const float* a = InF(0);
    const float* b = InF(1);
    if (trans_a_) {
      const int64_t dims[2] = {k_, m_}, perm[2] = {1, 0};
      portable::Transpose(a, dims, perm, sizeof(float), a_t_.data());
      a = a_t_.data();
    }
    if (trans_b_) {
      const int64_t dims[2] = {n_, k_}, perm[2] = {1, 0};
      portable::Transpose(b, dims, perm, sizeof(float), b_t_.data());
      b = b_t_.data();
    }
    float* y = OutF();
    portable::Gemm(a, b, m_, k_, n_, y);
    const int64_t total = m_ * n_;
    if (alpha_ != 1.0f) {
      for (int64_t i = 0; i < total; ++i) y[i] *= alpha_;
    }
    if (in_.size() > 2 && in_[2] != nullptr && beta_ != 0.0f) {
      // C broadcast to [M, N]: scaled, then added through the portable binary kernel.
      const float* c = InF(2);
      const Dims& c_dims = in_dims_[2];
      const int64_t c_total = NumElements(c_dims);
      scaled_c_.assign(c, c + c_total);
      for (float& v : scaled_c_) v *= beta_;
      portable::Binary(portable::BinaryKind::kAdd, y, out_dims_, scaled_c_.data(), c_dims,
                       out_dims_, y);
    }
    ApplyActivation(activation_, y, total);
    return rt::Status::Ok();
  }

 private:
  bool trans_a_ = false, trans_b_ = false;
  float alpha_ = 1.0f, beta_ = 1.0f;
  int64_t m_ = 0, k_ = 0, n_ = 0;
  Activation activation_;
  std::vector<float> a_t_, b_t_, scaled_c_;
};

// Elementwise unary ops by the portable kernel (the ones XNNPACK lacks, and XNNPACK's own when
// a clip bound is not a constant... which then reads the bounds every run).
class UnaryKernel : public PortableKernel {
 public:
  explicit UnaryKernel(portable::UnaryKind kind) : kind_(kind) {}
  rt::Status Prepare(const PrepareContext& ctx) override {
    using portable::UnaryKind;
    kind_run_ = kind_;
    alpha_ = static_cast<float>(ctx.attrs.Float("alpha", DefaultAlpha()).value_or(0.0));
    beta_ = static_cast<float>(ctx.attrs.Float("beta", 0.5).value_or(0.5));
    if (kind_ == UnaryKind::kGelu &&
        ctx.attrs.String("approximate", "none").value_or("") == "tanh") {
      kind_run_ = UnaryKind::kGeluTanh;
    }
    if (kind_ == UnaryKind::kClip) {
      alpha_ = -INFINITY;
      beta_ = INFINITY;
      for (size_t i = 1; i < ctx.inputs.size(); ++i) {
        if (ctx.inputs[i] != nullptr &&
            (ctx.inputs[i]->dtype != rt::DType::kF32 || NumElements(ctx.inputs[i]->dims) != 1)) {
          return Error(ctx, "clip bounds must be f32 scalars");
        }
      }
    }
    if (ctx.inputs[0]->dtype != rt::DType::kF32) return Error(ctx, "the input must be f32");
    ctx.outputs[0]->dims = ctx.inputs[0]->dims;
    Keep(ctx);
    return rt::Status::Ok();
  }
  rt::Status Run() override {
    float alpha = alpha_, beta = beta_;
    if (kind_ == portable::UnaryKind::kClip) {
      if (in_.size() > 1 && in_[1] != nullptr) alpha = *InF(1);
      if (in_.size() > 2 && in_[2] != nullptr) beta = *InF(2);
    }
    portable::Unary(kind_run_, InF(0), NumElements(out_dims_), alpha, beta, OutF());
    return rt::Status::Ok();
  }

 private:
  double DefaultAlpha() const {
    switch (kind_) {
      case portable::UnaryKind::kLeakyRelu:
        return 0.01;
      case portable::UnaryKind::kHardSigmoid:
        return 0.2;
      default:
        return 1.0;  // elu
    }
  }
  portable::UnaryKind kind_, kind_run_;
  float alpha_ = 0.0f, beta_ = 0.0f;
};

// Elementwise binary ops with numpy broadcasting (pow, and ranks beyond XNNPACK's).
class BinaryKernel : public PortableKernel {
 public:
  explicit BinaryKernel(portable::BinaryKind kind) : kind_(kind) {}
  rt::Status Prepare(const PrepareContext& ctx) override {
    const Dims& a = ctx.inputs[0]->dims;
    const Dims& b = ctx.inputs[1]->dims;
    std::optional<portable::FixedDims> y = portable::BroadcastDims(a, b);
    if (!y) return Error(ctx, DimsString(a) + " and " + DimsString(b) + " do not broadcast");
    if (ctx.inputs[0]->dtype != rt::DType::kF32 || ctx.inputs[1]->dtype != rt::DType::kF32) {
      return Error(ctx, "operands must be f32");
    }
    ctx.outputs[0]->dims.assign(y->begin(), y->end());
    Keep(ctx);
    return rt::Status::Ok();
  }
  rt::Status Run() override {
    portable::Binary(kind_, InF(0), in_dims_[0], InF(1), in_dims_[1], out_dims_, OutF());
    return rt::Status::Ok();
  }

 private:
  portable::BinaryKind kind_;
};

template <typename K, auto kArg>
std::unique_ptr<EdgeKernel> Make() {
  return std::unique_ptr<EdgeKernel>(new K(kArg));
}

template <portable::ReduceKind kKind, bool kGlobal>
std::unique_ptr<EdgeKernel> MakeReduce() {
  return std::unique_ptr<EdgeKernel>(new ReduceKernel(kKind, kGlobal));
}

template <typename K>
std::unique_ptr<EdgeKernel> MakePlain() {
  return std::unique_ptr<EdgeKernel>(new K);
}

}  // namespace

void RegisterPortableKernels(KernelRegistry& registry) {
  using Copy = CopyKernel;
  using R = portable::ReduceKind;
  registry.Register("reshape", Make<Copy, Copy::Kind::kReshape>);
  registry.Register("flatten", Make<Copy, Copy::Kind::kFlatten>);
  registry.Register("squeeze", Make<Copy, Copy::Kind::kSqueeze>);
  registry.Register("unsqueeze", Make<Copy, Copy::Kind::kUnsqueeze>);
  registry.Register("transpose", MakePlain<TransposeKernel>);
  registry.Register("concat", MakePlain<ConcatKernel>);
  registry.Register("slice", MakePlain<SliceKernel>);
  registry.Register("gather", MakePlain<GatherKernel>);
  registry.Register("layer_norm", MakePlain<LayerNormKernel>);
  registry.Register("softmax", Make<SoftmaxKernel, false>);
  registry.Register("log_softmax", Make<SoftmaxKernel, true>);
  registry.Register("reduce_sum", MakeReduce<R::kSum, false>);
  registry.Register("reduce_mean", MakeReduce<R::kMean, false>);
  registry.Register("reduce_max", MakeReduce<R::kMax, false>);
  registry.Register("reduce_min", MakeReduce<R::kMin, false>);
  registry.Register("global_max_pool", MakeReduce<R::kMax, true>);
  registry.Register("matmul", Make<MatMulKernel, false>);
  registry.Register("gemm", MakePlain<GemmKernel>);
  using U = portable::UnaryKind;
#define KILN_X(e, name) registry.Register(name, Make<UnaryKernel, U::e>);
  KILN_EDGE_UNARY_KINDS(KILN_X)
#undef KILN_X
  registry.Register("identity", Make<Copy, Copy::Kind::kIdentity>);  // a copy, not a loop
  using B = portable::BinaryKind;
#define KILN_X(e, name) registry.Register(name, Make<BinaryKernel, B::e>);
  KILN_EDGE_BINARY_KINDS(KILN_X)
#undef KILN_X
  registry.Register("linear", Make<MatMulKernel, true>);
}

std::unique_ptr<EdgeKernel> NewPortableKernel(std::string_view key) {
  static const KernelRegistry* const registry = [] {
    auto* r = new KernelRegistry;
    RegisterPortableKernels(*r);
    return r;
  }();
  KernelFactory factory = registry->Find(key);
  return factory != nullptr ? factory() : nullptr;
}

}  // namespace kiln::edge
