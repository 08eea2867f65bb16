#include "runtime/reference/kernels/layer_norm.h"

#include <cmath>
#include <string>
#include <vector>

namespace kiln::ref {
namespace {

// `t` broadcast (right-aligned, unidirectionally) to `shape`, flattened.
rt::Result<std::vector<float>> Expand(const char* name, const Tensor& t, const Shape& shape) {
  if (t.dtype() != DType::kF32) {
    return rt::Status::Error(std::string("layer_norm: ") + name + " must be f32");
  }
  const int rank = static_cast<int>(shape.size());
  if (t.rank() > rank) {
    return rt::Status::Error(std::string("layer_norm: ") + name + " " + ShapeString(t.shape()) +
                             " does not broadcast to " + ShapeString(shape));
  }
  std::vector<int64_t> strides(rank, 0);
  int64_t s = 1;
  for (int i = t.rank() - 1; i >= 0; --i) {
    const int d = rank - t.rank() + i;
    if (t.dim(i) != 1 && t.dim(i) != shape[d]) {
      return rt::Status::Error(std::string("layer_norm: ") + name + " " + ShapeString(t.shape()) +
                               " does not broadcast to " + ShapeString(shape));
    }
    strides[d] = t.dim(i) == 1 ? 0 : s;
    s *= t.dim(i);
  }
  const int64_t n = NumElements(shape);
  std::vector<float> out(static_cast<size_t>(n));
  std::vector<int64_t> idx(rank, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t off = 0;
    for (int d = 0; d < rank; ++d) off += idx[d] * strides[d];
    out[i] = t.data<float>()[off];
    for (int d = rank - 1; d >= 0 && ++idx[d] == shape[d]; --d) idx[d] = 0;
  }
  return out;
}

}  // namespace

rt::Result<LayerNormResult> LayerNorm(const Tensor& x, const Tensor& scale, const Tensor* bias,
                                      int64_t axis, float epsilon, bool with_stats, int threads) {
  if (x.dtype() != DType::kF32) return rt::Status::Error("layer_norm: only f32 is supported");
  const int rank = x.rank();
  if (axis < -rank || axis >= rank) {
    return rt::Status::Error("layer_norm: axis " + std::to_string(axis) + " is out of range for " +
                             ShapeString(x.shape()));
  }
  if (axis < 0) axis += rank;
  const Shape norm_shape(x.shape().begin() + axis, x.shape().end());
  rt::Result<std::vector<float>> a = Expand("scale", scale, norm_shape);
  if (!a.ok()) return a.status();
  std::vector<float> b(a->size(), 0.0f);
  if (bias != nullptr) {
    rt::Result<std::vector<float>> e = Expand("bias", *bias, norm_shape);
    if (!e.ok()) return e.status();
    b = std::move(*e);
  }
  const int64_t inner = NumElements(norm_shape);
  const int64_t outer = inner == 0 ? 0 : x.num_elements() / inner;

  LayerNormResult r;
  rt::Result<Tensor> y = Tensor::Empty(DType::kF32, x.shape());
  if (!y.ok()) return y.status();
  r.y = std::move(*y);
  float* mean_out = nullptr;
  float* inv_out = nullptr;
  if (with_stats) {
    Shape stats_shape(x.shape().begin(), x.shape().begin() + axis);
    stats_shape.resize(rank, 1);
    rt::Result<Tensor> m = Tensor::Empty(DType::kF32, stats_shape);
    rt::Result<Tensor> v = Tensor::Empty(DType::kF32, stats_shape);
    if (!m.ok()) return m.status();
    if (!v.ok()) return v.status();
    r.mean = std::move(*m);
    r.inv_std_dev = std::move(*v);
    mean_out = r.mean.mutable_data<float>();
    inv_out = r.inv_std_dev.mutable_data<float>();
  }
  const float* xp = x.data<float>();
  float* yp = r.y.mutable_data<float>();
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t row = 0; row < outer; ++row) {
    const float* in = xp + row * inner;
    float* out = yp + row * inner;
    double sum = 0;
    for (int64_t i = 0; i < inner; ++i) sum += in[i];
    const double mean = sum / inner;
    double sq = 0;
    for (int64_t i = 0; i < inner; ++i) sq += (in[i] - mean) * (in[i] - mean);
    const double inv = 1.0 / std::sqrt(sq / inner + epsilon);
    for (int64_t i = 0; i < inner; ++i) {
      out[i] = static_cast<float>((in[i] - mean) * inv * (*a)[i] + b[i]);
    }
    if (mean_out != nullptr) {
      mean_out[row] = static_cast<float>(mean);
      inv_out[row] = static_cast<float>(inv);
    }
  }
  return r;
}

}  // namespace kiln::ref
