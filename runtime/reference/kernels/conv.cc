#include "runtime/reference/kernels/conv.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "runtime/reference/kernels/gemm.h"
#include "runtime/reference/kernels/im2col.h"

namespace kiln::ref {
namespace {

// Depthwise: every output channel m reads the single input channel m / multiplier.
void DepthwiseConv(const float* x, const float* w, const float* bias, int64_t batch,
                   int64_t channels, int64_t multiplier, const WindowGeometry& g, float* y,
                   int threads) {
  const int64_t out_channels = channels * multiplier;
  const int64_t ksize = g.kernel_size(), isize = g.in_size(), osize = g.out_size();
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t nm = 0; nm < batch * out_channels; ++nm) {
    const int64_t n = nm / out_channels, m = nm % out_channels;
    const float* plane = x + (n * channels + m / multiplier) * isize;
    const float* filter = w + m * ksize;
    float* out = y + nm * osize;
    const float b = bias != nullptr ? bias[m] : 0.0f;
    for (int64_t od = 0; od < g.out[0]; ++od) {
      for (int64_t oh = 0; oh < g.out[1]; ++oh) {
        for (int64_t ow = 0; ow < g.out[2]; ++ow) {
          float acc = 0.0f;
          for (int64_t kd = 0; kd < g.kernel[0]; ++kd) {
            const int64_t id = od * g.strides[0] - g.pad_begin[0] + kd * g.dilations[0];
            if (id < 0 || id >= g.in[0]) continue;
            for (int64_t kh = 0; kh < g.kernel[1]; ++kh) {
              const int64_t ih = oh * g.strides[1] - g.pad_begin[1] + kh * g.dilations[1];
              if (ih < 0 || ih >= g.in[1]) continue;
              const float* in_row = plane + (id * g.in[1] + ih) * g.in[2];
              const float* k_row = filter + (kd * g.kernel[1] + kh) * g.kernel[2];
              for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
                const int64_t iw = ow * g.strides[2] - g.pad_begin[2] + kw * g.dilations[2];
                if (iw >= 0 && iw < g.in[2]) acc += in_row[iw] * k_row[kw];
              }
            }
          }
          out[(od * g.out[1] + oh) * g.out[2] + ow] = acc + b;
        }
      }
    }
  }
}

rt::Status CheckOperands(const Tensor& x, const Tensor& w, const Tensor* bias, int64_t group) {
  if (x.dtype() != DType::kF32 || w.dtype() != DType::kF32 ||
      (bias != nullptr && bias->dtype() != DType::kF32)) {
    return rt::Status::Error("conv: only f32 operands are supported");
  }
  if (x.rank() < 3 || x.rank() > 2 + kMaxSpatialDims) {
    return rt::Status::Error("conv: X " + ShapeString(x.shape()) + " must have rank 3 to 5");
  }
  if (w.rank() != x.rank()) {
    return rt::Status::Error("conv: W " + ShapeString(w.shape()) + " and X " +
                             ShapeString(x.shape()) + " have different ranks");
  }
  const int64_t channels = x.dim(1), out_channels = w.dim(0);
  if (group < 1 || channels % group != 0 || out_channels % group != 0) {
    return rt::Status::Error("conv: group " + std::to_string(group) +
                             " does not divide the input channels " + std::to_string(channels) +
                             " and output channels " + std::to_string(out_channels));
  }
  if (w.dim(1) != channels / group) {
    return rt::Status::Error("conv: W " + ShapeString(w.shape()) + " expects " +
                             std::to_string(w.dim(1) * group) + " input channels but X " +
                             ShapeString(x.shape()) + " has " + std::to_string(channels));
  }
  if (bias != nullptr && (bias->rank() != 1 || bias->dim(0) != out_channels)) {
    return rt::Status::Error("conv: bias " + ShapeString(bias->shape()) + " should be [" +
                             std::to_string(out_channels) + "]");
  }
  return rt::Status::Ok();
}

}  // namespace

rt::Result<WindowGeometry> ConvWindow(const Shape& x, const Shape& w, const ConvParams& params) {
  if (x.size() < 3 || w.size() != x.size()) {
    return rt::Status::Error("conv: X " + ShapeString(x) + " and W " + ShapeString(w) +
                             " need the same rank, 3 to 5");
  }
  const Shape w_spatial(w.begin() + 2, w.end());
  if (!params.kernel_shape.empty() && params.kernel_shape != w_spatial) {
    return rt::Status::Error("conv: kernel_shape " + ShapeString(params.kernel_shape) +
                             " differs from W's spatial dims " + ShapeString(w_spatial));
  }
  WindowParams wp{.kernel = w_spatial,
                  .strides = params.strides,
                  .dilations = params.dilations,
                  .pads = params.pads,
                  .auto_pad = params.auto_pad};
  rt::Result<WindowGeometry> geom = ResolveWindow(Shape(x.begin() + 2, x.end()), wp);
  if (!geom.ok()) return rt::Status::Error("conv: " + geom.status().message());
  return geom;
}

rt::Result<Tensor> Conv(const Tensor& x, const Tensor& w, const Tensor* bias,
                        const ConvParams& params, int threads) {
  if (rt::Status s = CheckOperands(x, w, bias, params.group); !s.ok()) return s;
  rt::Result<WindowGeometry> geom = ConvWindow(x.shape(), w.shape(), params);
  if (!geom.ok()) return geom.status();
  const WindowGeometry& g = *geom;

  const int64_t batch = x.dim(0), channels = x.dim(1), out_channels = w.dim(0);
  const int64_t group = params.group;
  Shape out_shape = {batch, out_channels};
  for (int64_t d : g.out_shape()) out_shape.push_back(d);
  rt::Result<Tensor> y = Tensor::Empty(DType::kF32, out_shape);
  if (!y.ok()) return y.status();
  if (y->num_elements() == 0) return y;

  const float* xp = x.data<float>();
  const float* wp_data = w.data<float>();
  const float* bp = bias != nullptr ? bias->data<float>() : nullptr;
  float* yp = y->mutable_data<float>();
  if (group == channels && group > 1 && w.dim(1) == 1) {
    DepthwiseConv(xp, wp_data, bp, batch, channels, out_channels / channels, g, yp, threads);
    return y;
  }

  const int64_t cg = channels / group, mg = out_channels / group;
  const int64_t ksize = g.kernel_size(), isize = g.in_size(), osize = g.out_size();
  const bool pointwise = ksize == 1 && g.strides == WindowGeometry::Dims{1, 1, 1} &&
                         g.pad_begin == WindowGeometry::Dims{0, 0, 0} &&
                         g.pad_end == WindowGeometry::Dims{0, 0, 0};
  const int64_t tasks = batch * group;
  // Many (image, group) pairs: one per thread, each with its own im2col buffer.
  const int outer = tasks >= threads ? threads : 1;
  const int inner = outer > 1 ? 1 : threads;
  std::vector<std::vector<float>> cols(pointwise ? 0 : outer);
  for (auto& col : cols) col.resize(static_cast<size_t>(cg * ksize * osize));
#pragma omp parallel for num_threads(outer) if (outer > 1) schedule(dynamic)
  for (int64_t t = 0; t < tasks; ++t) {
    const int64_t n = t / group, gi = t % group;
    const float* src = xp + (n * channels + gi * cg) * isize;
    const float* col = src;
    if (!pointwise) {
      float* buf = cols[omp_get_thread_num()].data();
      Im2Col(src, cg, g, buf, inner);
      col = buf;
    }
    float* dst = yp + (n * out_channels + gi * mg) * osize;
    GemmRowMajor<float>(false, false, mg, osize, cg * ksize, 1.0f, wp_data + gi * mg * cg * ksize,
                        cg * ksize, col, osize, 0.0f, dst, osize, inner);
    if (bp != nullptr) {
      for (int64_t m = 0; m < mg; ++m) {
        const float b = bp[gi * mg + m];
        float* row = dst + m * osize;
        for (int64_t i = 0; i < osize; ++i) row[i] += b;
      }
    }
  }
  return y;
}

}  // namespace kiln::ref
