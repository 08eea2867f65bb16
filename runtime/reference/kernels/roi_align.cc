#include "runtime/reference/kernels/roi_align.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "runtime/reference/kernels/int64_values.h"

namespace kiln::ref {
namespace {

// The four taps and weights of one bilinear sample; all weights zero outside the map.
struct Sample {
  int64_t at[4] = {0, 0, 0, 0};
  double w[4] = {0, 0, 0, 0};
};

Sample BilinearSample(double y, double x, int64_t h, int64_t w) {
  Sample s;
  // Written so that NaN positions also count as outside.
  if (!(y >= -1.0 && y <= static_cast<double>(h) && x >= -1.0 && x <= static_cast<double>(w))) {
    return s;
  }
  y = std::max(y, 0.0);
  x = std::max(x, 0.0);
  int64_t y0 = static_cast<int64_t>(y), x0 = static_cast<int64_t>(x), y1 = y0 + 1, x1 = x0 + 1;
  if (y0 >= h - 1) {
    y0 = y1 = h - 1;
    y = static_cast<double>(y0);
  }
  if (x0 >= w - 1) {
    x0 = x1 = w - 1;
    x = static_cast<double>(x0);
  }
  const double ly = y - static_cast<double>(y0), lx = x - static_cast<double>(x0);
  const double hy = 1 - ly, hx = 1 - lx;
  s.at[0] = y0 * w + x0;
  s.at[1] = y0 * w + x1;
  s.at[2] = y1 * w + x0;
  s.at[3] = y1 * w + x1;
  s.w[0] = hy * hx;
  s.w[1] = hy * lx;
  s.w[2] = ly * hx;
  s.w[3] = ly * lx;
  return s;
}

// Where one region lies and how densely its bins are sampled.
struct RoiGeometry {
  double x_start = 0, y_start = 0, bin_w = 0, bin_h = 0;
  int64_t grid_w = 0, grid_h = 0;
};

// Samples per bin side; -1 when the region is too large (or not finite) to sample.
int64_t GridSize(double extent, int64_t bins, int64_t sampling_ratio) {
  if (sampling_ratio > 0) return sampling_ratio;
  constexpr double kMaxSamples = 1024;
  const double n = std::ceil(extent / static_cast<double>(bins));
  if (!(n <= kMaxSamples)) return -1;
  return std::max<int64_t>(static_cast<int64_t>(n), 0);
}

template <typename T>
rt::Result<RoiGeometry> Geometry(const T* box, const RoiAlignParams& p) {
  const double offset = p.half_pixel ? 0.5 : 0.0;
  const double scale = p.spatial_scale;
  RoiGeometry g;
  g.x_start = box[0] * scale - offset;
  g.y_start = box[1] * scale - offset;
  double roi_w = box[2] * scale - offset - g.x_start, roi_h = box[3] * scale - offset - g.y_start;
  if (!p.half_pixel) {  // legacy: regions are at least one pixel
    roi_w = std::max(roi_w, 1.0);
    roi_h = std::max(roi_h, 1.0);
  }
  g.bin_h = roi_h / static_cast<double>(p.output_height);
  g.bin_w = roi_w / static_cast<double>(p.output_width);
  g.grid_h = GridSize(roi_h, p.output_height, p.sampling_ratio);
  g.grid_w = GridSize(roi_w, p.output_width, p.sampling_ratio);
  if (g.grid_h < 0 || g.grid_w < 0) {
    return rt::Status::Error("roi_align: region [" + std::to_string(box[0]) + ", " +
                             std::to_string(box[1]) + ", " + std::to_string(box[2]) + ", " +
                             std::to_string(box[3]) + "] is too large to sample");
  }
  return g;
}

template <typename T>
void RoiAlignTyped(const Tensor& x, const std::vector<RoiGeometry>& rois,
                   const std::vector<int64_t>& batch, const RoiAlignParams& p, Tensor& y,
                   int threads) {
  const int64_t channels = x.dim(1), h = x.dim(2), w = x.dim(3);
  const int64_t num_rois = static_cast<int64_t>(rois.size()), ph = p.output_height,
                pw = p.output_width;
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t r = 0; r < num_rois; ++r) {
    const RoiGeometry& g = rois[r];
    const int64_t grid_h = g.grid_h, grid_w = g.grid_w;
    const double bin_h = g.bin_h, bin_w = g.bin_w, x_start = g.x_start, y_start = g.y_start;
    const double count = static_cast<double>(std::max<int64_t>(grid_h * grid_w, 1));
    // A bin's samples are the same for every channel.
    std::vector<Sample> samples(grid_h * grid_w);
    for (int64_t i = 0; i < ph; ++i) {
      for (int64_t j = 0; j < pw; ++j) {
        for (int64_t iy = 0; iy < grid_h; ++iy) {
          const double yy = y_start + i * bin_h + (iy + 0.5) * bin_h / grid_h;
          for (int64_t ix = 0; ix < grid_w; ++ix) {
            const double xx = x_start + j * bin_w + (ix + 0.5) * bin_w / grid_w;
            samples[iy * grid_w + ix] = BilinearSample(yy, xx, h, w);
          }
        }
        for (int64_t c = 0; c < channels; ++c) {
          const T* plane = x.data<T>() + (batch[r] * channels + c) * h * w;
          double sum = 0, max = 0;
          for (size_t k = 0; k < samples.size(); ++k) {
            const Sample& s = samples[k];
            if (p.max_mode) {
              double v = s.w[0] * plane[s.at[0]];
              for (int q = 1; q < 4; ++q) v = std::max(v, s.w[q] * plane[s.at[q]]);
              max = k == 0 ? v : std::max(max, v);
            } else {
              for (int q = 0; q < 4; ++q) sum += s.w[q] * plane[s.at[q]];
            }
          }
          y.mutable_data<T>()[((r * channels + c) * ph + i) * pw + j] =
              static_cast<T>(p.max_mode ? max : sum / count);
        }
      }
    }
  }
}

}  // namespace

rt::Status ParseRoiAlignModes(std::string_view mode, std::string_view transform,
                              RoiAlignParams& p) {
  if (mode.empty() || mode == "avg") {
    p.max_mode = false;
  } else if (mode == "max") {
    p.max_mode = true;
  } else {
    return rt::Status::Error("roi_align: unknown mode '" + std::string(mode) + "'");
  }
  if (transform.empty() || transform == "half_pixel") {
    p.half_pixel = true;
  } else if (transform == "output_half_pixel") {
    p.half_pixel = false;
  } else {
    return rt::Status::Error("roi_align: unknown coordinate_transformation_mode '" +
                             std::string(transform) + "'");
  }
  return rt::Status::Ok();
}

rt::Result<Tensor> RoiAlign(const Tensor& x, const Tensor& rois, const Tensor& batch_indices,
                            const RoiAlignParams& p, int threads) {
  if (x.rank() != 4 || rois.rank() != 2 || rois.dim(1) != 4 || batch_indices.rank() != 1 ||
      batch_indices.dim(0) != rois.dim(0)) {
    return rt::Status::Error("roi_align: X " + ShapeString(x.shape()) + ", rois " +
                             ShapeString(rois.shape()) + " and batch_indices " +
                             ShapeString(batch_indices.shape()) +
                             " must be [N,C,H,W], [R,4] and [R]");
  }
  if ((x.dtype() != DType::kF32 && x.dtype() != DType::kF64) || rois.dtype() != x.dtype()) {
    return rt::Status::Error("roi_align: X and rois must both be f32 or both f64");
  }
  if (rois.dim(0) > 0 && (x.dim(2) < 1 || x.dim(3) < 1)) {
    return rt::Status::Error("roi_align: X " + ShapeString(x.shape()) + " has no pixels");
  }
  if (p.output_height < 1 || p.output_width < 1 || p.sampling_ratio < 0) {
    return rt::Status::Error("roi_align: output sizes must be positive, sampling_ratio >= 0");
  }
  rt::Result<std::vector<int64_t>> batch = ReadInt64Values(batch_indices, "batch_indices");
  if (!batch.ok()) return batch.status();
  for (int64_t b : *batch) {
    if (b < 0 || b >= x.dim(0)) {
      return rt::Status::Error("roi_align: batch index " + std::to_string(b) + " is outside [0, " +
                               std::to_string(x.dim(0)) + ")");
    }
  }
  rt::Result<Tensor> y =
      Tensor::Empty(x.dtype(), {rois.dim(0), x.dim(1), p.output_height, p.output_width});
  if (!y.ok()) return y.status();
  std::vector<RoiGeometry> geometry;
  for (int64_t r = 0; r < rois.dim(0); ++r) {
    rt::Result<RoiGeometry> g = x.dtype() == DType::kF32 ? Geometry(rois.data<float>() + 4 * r, p)
                                                         : Geometry(rois.data<double>() + 4 * r, p);
    if (!g.ok()) return g.status();
    geometry.push_back(*g);
  }
  if (x.dtype() == DType::kF32) {
    RoiAlignTyped<float>(x, geometry, *batch, p, *y, threads);
  } else {
    RoiAlignTyped<double>(x, geometry, *batch, p, *y, threads);
  }
  return y;
}

}  // namespace kiln::ref
