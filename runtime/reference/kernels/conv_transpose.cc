#include "runtime/reference/kernels/conv_transpose.h"

#include <omp.h>

#include <algorithm>
#include <string>

#include "runtime/reference/kernels/gemm.h"

namespace kiln::ref {
namespace {

rt::Status CheckOperands(const Tensor& x, const Tensor& w, const Tensor* bias, int64_t group) {
  if (x.dtype() != DType::kF32 || w.dtype() != DType::kF32 ||
      (bias != nullptr && bias->dtype() != DType::kF32)) {
    return rt::Status::Error("conv_transpose: only f32 operands are supported");
  }
  if (x.rank() < 3 || x.rank() > 2 + kMaxSpatialDims || w.rank() != x.rank()) {
    return rt::Status::Error("conv_transpose: X " + ShapeString(x.shape()) + " and W " +
                             ShapeString(w.shape()) + " must have the same rank, 3 to 5");
  }
  if (group < 1 || x.dim(1) % group != 0) {
    return rt::Status::Error("conv_transpose: group " + std::to_string(group) +
                             " does not divide the input channels " + std::to_string(x.dim(1)));
  }
  if (w.dim(0) != x.dim(1)) {
    return rt::Status::Error("conv_transpose: W " + ShapeString(w.shape()) + " expects " +
                             std::to_string(w.dim(0)) + " input channels but X " +
                             ShapeString(x.shape()) + " has " + std::to_string(x.dim(1)));
  }
  const int64_t out_channels = w.dim(1) * group;
  if (bias != nullptr && (bias->rank() != 1 || bias->dim(0) != out_channels)) {
    return rt::Status::Error("conv_transpose: bias " + ShapeString(bias->shape()) + " should be [" +
                             std::to_string(out_channels) + "]");
  }
  return rt::Status::Ok();
}

// Fills g.out, g.pad_begin and g.pad_end (NormalizeWindow filled the rest).
rt::Status ResolveOutput(const ConvTransposeParams& p, const Shape& x_shape, WindowGeometry& g) {
  const int rank = g.spatial_rank;
  std::vector<int64_t> out_shape = p.output_shape;
  if (out_shape.size() == static_cast<size_t>(rank + 2))
    out_shape.erase(out_shape.begin(), out_shape.begin() + 2);
  if (!out_shape.empty() && out_shape.size() != static_cast<size_t>(rank)) {
    return rt::Status::Error("output_shape " + ShapeString(p.output_shape) + " should have " +
                             std::to_string(rank) + " values");
  }
  if (!p.output_padding.empty() && p.output_padding.size() != static_cast<size_t>(rank)) {
    return rt::Status::Error("output_padding " + ShapeString(p.output_padding) + " should have " +
                             std::to_string(rank) + " values");
  }
  const int off = kMaxSpatialDims - rank;
  for (int i = 0; i < rank; ++i) {
    const int d = off + i;
    const int64_t in = x_shape[2 + i], s = g.strides[d];
    const int64_t adj = p.output_padding.empty() ? 0 : p.output_padding[i];
    if (adj < 0 || (adj >= s && adj >= g.dilations[d])) {
      return rt::Status::Error("output_padding " + ShapeString(p.output_padding) +
                               " must be smaller than the stride or dilation");
    }
    const int64_t full = s * (in - 1) + adj + (g.kernel[d] - 1) * g.dilations[d] + 1;
    int64_t target = -1;
    if (!out_shape.empty()) {
      target = out_shape[i];
    } else if (p.auto_pad == AutoPad::kSameUpper || p.auto_pad == AutoPad::kSameLower) {
      target = in * s;
    }
    if (target >= 0) {
      const int64_t total = full - target;  // may be negative: uncovered outputs get the bias
      const int64_t half = total >= 0 ? total / 2 : -((1 - total) / 2);  // floor, as in ONNX
      g.pad_begin[d] = p.auto_pad == AutoPad::kSameUpper ? half : total - half;
      g.pad_end[d] = total - g.pad_begin[d];
      g.out[d] = target;
    } else {
      g.out[d] = full - g.pad_begin[d] - g.pad_end[d];
      if (g.out[d] < 0) return rt::Status::Error("pads exceed the output size");
    }
  }
  return rt::Status::Ok();
}

// Adds `col` [channels * K0 * K1 * K2, D0 * D1 * D2] into `dst` [channels, O0, O1, O2].
void Col2Im(const float* col, int64_t channels, const WindowGeometry& g, float* dst) {
  const int64_t ksize = g.kernel_size(), isize = g.in_size(), osize = g.out_size();
  for (int64_t row = 0; row < channels * ksize; ++row) {
    const int64_t c = row / ksize;
    const int64_t kd = row / (g.kernel[1] * g.kernel[2]) % g.kernel[0];
    const int64_t kh = row / g.kernel[2] % g.kernel[1];
    const int64_t kw = row % g.kernel[2];
    const float* src = col + row * isize;
    float* plane = dst + c * osize;
    for (int64_t id = 0; id < g.in[0]; ++id) {
      const int64_t od = id * g.strides[0] - g.pad_begin[0] + kd * g.dilations[0];
      if (od < 0 || od >= g.out[0]) continue;
      for (int64_t ih = 0; ih < g.in[1]; ++ih) {
        const int64_t oh = ih * g.strides[1] - g.pad_begin[1] + kh * g.dilations[1];
        if (oh < 0 || oh >= g.out[1]) continue;
        const float* in_row = src + (id * g.in[1] + ih) * g.in[2];
        float* out_row = plane + (od * g.out[1] + oh) * g.out[2];
        for (int64_t iw = 0; iw < g.in[2]; ++iw) {
          const int64_t ow = iw * g.strides[2] - g.pad_begin[2] + kw * g.dilations[2];
          if (ow >= 0 && ow < g.out[2]) out_row[ow] += in_row[iw];
        }
      }
    }
  }
}

}  // namespace

rt::Result<Tensor> ConvTranspose(const Tensor& x, const Tensor& w, const Tensor* bias,
                                 const ConvTransposeParams& params, int threads) {
  if (rt::Status s = CheckOperands(x, w, bias, params.group); !s.ok()) return s;
  const Shape w_spatial(w.shape().begin() + 2, w.shape().end());
  if (!params.kernel_shape.empty() && params.kernel_shape != w_spatial) {
    return rt::Status::Error("conv_transpose: kernel_shape " + ShapeString(params.kernel_shape) +
                             " differs from W's spatial dims " + ShapeString(w_spatial));
  }
  WindowParams wp;
  wp.kernel = w_spatial;
  wp.strides = params.strides;
  wp.dilations = params.dilations;
  wp.pads = params.pads;
  rt::Result<WindowGeometry> norm =
      NormalizeWindow(Shape(x.shape().begin() + 2, x.shape().end()), wp);
  if (!norm.ok()) return rt::Status::Error("conv_transpose: " + norm.status().message());
  WindowGeometry g = *norm;
  if (params.auto_pad != AutoPad::kNotSet) g.pad_begin = g.pad_end = {0, 0, 0};
  if (rt::Status s = ResolveOutput(params, x.shape(), g); !s.ok()) {
    return rt::Status::Error("conv_transpose: " + s.message());
  }

  const int64_t batch = x.dim(0), channels = x.dim(1), group = params.group;
  const int64_t cg = channels / group, mg = w.dim(1), out_channels = mg * group;
  Shape out_shape = {batch, out_channels};
  for (int64_t d : g.out_shape()) out_shape.push_back(d);
  rt::Result<Tensor> y = Tensor::Zeros(DType::kF32, out_shape);
  if (!y.ok()) return y.status();
  if (y->num_elements() == 0) return y;

  const int64_t ksize = g.kernel_size(), isize = g.in_size(), osize = g.out_size();
  const float* xp = x.data<float>();
  const float* wp_data = w.data<float>();
  float* yp = y->mutable_data<float>();
  const int64_t tasks = batch * group;
  const int outer = tasks >= threads ? threads : 1;
  const int inner = outer > 1 ? 1 : threads;
  std::vector<std::vector<float>> cols(outer);
  for (auto& col : cols) col.resize(static_cast<size_t>(mg * ksize * isize));
#pragma omp parallel for num_threads(outer) if (outer > 1) schedule(dynamic)
  for (int64_t t = 0; t < tasks; ++t) {
    const int64_t n = t / group, gi = t % group;
    float* col = cols[omp_get_thread_num()].data();
    // col [mg * ksize, isize] = W_g^T (W_g is [cg, mg * ksize]) * X_ng [cg, isize].
    GemmRowMajor<float>(true, false, mg * ksize, isize, cg, 1.0f, wp_data + gi * cg * mg * ksize,
                        mg * ksize, xp + (n * channels + gi * cg) * isize, isize, 0.0f, col, isize,
                        inner);
    Col2Im(col, mg, g, yp + (n * out_channels + gi * mg) * osize);
  }
  if (bias != nullptr) {
    const float* bp = bias->data<float>();
    for (int64_t nm = 0; nm < batch * out_channels; ++nm) {
      float* plane = yp + nm * osize;
      const float b = bp[nm % out_channels];
      for (int64_t i = 0; i < osize; ++i) plane[i] += b;
    }
  }
  return y;
}

}  // namespace kiln::ref
