#include "runtime/reference/kernels/grid_sample.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace kiln::ref {
namespace {

// Pixel coordinate of a normalized one along a dim of `size` pixels.
double Unnormalize(double v, int64_t size, bool align_corners) {
  return align_corners ? (v + 1) / 2 * static_cast<double>(size - 1)
                       : ((v + 1) * static_cast<double>(size) - 1) / 2;
}

// Reflects `v` into [twice_low / 2, twice_high / 2] (bounds doubled so they stay integers).
double Reflect(double v, int64_t twice_low, int64_t twice_high) {
  if (twice_low == twice_high) return 0;
  const double low = static_cast<double>(twice_low) / 2;
  const double span = static_cast<double>(twice_high - twice_low) / 2;
  v = std::fabs(v - low);
  const double extra = std::fmod(v, span);
  const bool even_flips = std::fmod(std::floor(v / span), 2.0) == 0;
  return even_flips ? extra + low : span - extra + low;
}

// Applies border or reflection padding to a pixel coordinate; zeros leaves it alone (taps
// outside the image read zero).
double Pad(double v, int64_t size, GridSamplePadding padding, bool align_corners) {
  if (padding == GridSamplePadding::kZeros) return v;
  if (padding == GridSamplePadding::kReflection) {
    v = align_corners ? Reflect(v, 0, 2 * (size - 1)) : Reflect(v, -1, 2 * size - 1);
  }
  return std::min(static_cast<double>(size - 1), std::max(0.0, v));
}

// An integer pixel index; far-off or NaN positions map to an index outside any image.
int64_t ToIndex(double v) {
  constexpr double kFar = 1e15;
  if (!(v > -kFar)) return static_cast<int64_t>(-kFar);
  return static_cast<int64_t>(std::min(v, kFar));
}

// The cubic convolution weights (A = -0.75) of the four taps around fraction t.
void CubicWeights(double t, double w[4]) {
  constexpr double a = -0.75;
  auto near = [](double x) { return ((a + 2) * x - (a + 3)) * x * x + 1; };       // |x| <= 1
  auto far = [](double x) { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; };  // 1 < |x| < 2
  w[0] = far(t + 1);
  w[1] = near(t);
  w[2] = near(1 - t);
  w[3] = far(2 - t);
}

template <typename T>
class Sampler {
 public:
  Sampler(const T* plane, int64_t h, int64_t w, const GridSampleParams& p)
      : plane_(plane), h_(h), w_(w), p_(p) {}

  double At(double gx, double gy) const {
    double x = Unnormalize(gx, w_, p_.align_corners);
    double y = Unnormalize(gy, h_, p_.align_corners);
    if (p_.mode == GridSampleMode::kBicubic) return Bicubic(x, y);
    x = Pad(x, w_, p_.padding, p_.align_corners);
    y = Pad(y, h_, p_.padding, p_.align_corners);
    if (p_.mode == GridSampleMode::kNearest) {
      return Pixel(ToIndex(std::nearbyint(y)), ToIndex(std::nearbyint(x)));
    }
    const double x0 = std::floor(x), y0 = std::floor(y);
    const double tx = x - x0, ty = y - y0;
    const int64_t ix = ToIndex(x0), iy = ToIndex(y0);
    return (1 - ty) * ((1 - tx) * Pixel(iy, ix) + tx * Pixel(iy, ix + 1)) +
           ty * ((1 - tx) * Pixel(iy + 1, ix) + tx * Pixel(iy + 1, ix + 1));
  }

 private:
  // Zero outside the image.
  double Pixel(int64_t y, int64_t x) const {
    if (y < 0 || y >= h_ || x < 0 || x >= w_) return 0;
    return static_cast<double>(plane_[y * w_ + x]);
  }
  // A bicubic tap: padding applies to each tap's position.
  double Tap(int64_t y, int64_t x) const {
    const double px = Pad(static_cast<double>(x), w_, p_.padding, p_.align_corners);
    const double py = Pad(static_cast<double>(y), h_, p_.padding, p_.align_corners);
    return Pixel(ToIndex(py), ToIndex(px));
  }
  double Bicubic(double x, double y) const {
    const double x0 = std::floor(x), y0 = std::floor(y);
    double wx[4], wy[4];
    CubicWeights(x - x0, wx);
    CubicWeights(y - y0, wy);
    const int64_t ix = ToIndex(x0) - 1, iy = ToIndex(y0) - 1;
    double sum = 0;
    for (int j = 0; j < 4; ++j) {
      double row = 0;
      for (int i = 0; i < 4; ++i) row += wx[i] * Tap(iy + j, ix + i);
      sum += wy[j] * row;
    }
    return sum;
  }

  const T* plane_;
  int64_t h_, w_;
  const GridSampleParams& p_;
};

template <typename T, typename G>
void GridSampleTyped(const Tensor& x, const Tensor& grid, const GridSampleParams& p, Tensor& y,
                     int threads) {
  const int64_t n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
  const int64_t points = grid.dim(1) * grid.dim(2);
  const G* g = grid.data<G>();
  T* out = y.mutable_data<T>();
#pragma omp parallel for collapse(2) num_threads(threads) if (threads > 1)
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t ch = 0; ch < c; ++ch) {
      Sampler<T> sampler(x.data<T>() + (b * c + ch) * h * w, h, w, p);
      const G* gb = g + b * points * 2;
      T* dst = out + (b * c + ch) * points;
      for (int64_t i = 0; i < points; ++i) {
        dst[i] = static_cast<T>(
            sampler.At(static_cast<double>(gb[2 * i]), static_cast<double>(gb[2 * i + 1])));
      }
    }
  }
}

bool IsFloat(DType t) { return t == DType::kF32 || t == DType::kF64; }

}  // namespace

rt::Result<GridSampleMode> ParseGridSampleMode(std::string_view name) {
  if (name.empty() || name == "bilinear") return GridSampleMode::kBilinear;
  if (name == "nearest") return GridSampleMode::kNearest;
  if (name == "bicubic") return GridSampleMode::kBicubic;
  return rt::Status::Error("grid_sample: unknown mode '" + std::string(name) + "'");
}

rt::Result<GridSamplePadding> ParseGridSamplePadding(std::string_view name) {
  if (name.empty() || name == "zeros") return GridSamplePadding::kZeros;
  if (name == "border") return GridSamplePadding::kBorder;
  if (name == "reflection") return GridSamplePadding::kReflection;
  return rt::Status::Error("grid_sample: unknown padding_mode '" + std::string(name) + "'");
}

rt::Result<Tensor> GridSample(const Tensor& x, const Tensor& grid, const GridSampleParams& p,
                              int threads) {
  if (x.rank() != 4 || grid.rank() != 4 || grid.dim(0) != x.dim(0) || grid.dim(3) != 2) {
    return rt::Status::Error("grid_sample: X " + ShapeString(x.shape()) + " and grid " +
                             ShapeString(grid.shape()) + " must be [N,C,H,W] and [N,Ho,Wo,2]");
  }
  if (!IsFloat(x.dtype()) || !IsFloat(grid.dtype())) {
    return rt::Status::Error("grid_sample: X and grid must be f32 or f64");
  }
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), {x.dim(0), x.dim(1), grid.dim(1), grid.dim(2)});
  if (!y.ok()) return y.status();
  const bool x32 = x.dtype() == DType::kF32, g32 = grid.dtype() == DType::kF32;
  if (x32 && g32) GridSampleTyped<float, float>(x, grid, p, *y, threads);
  if (x32 && !g32) GridSampleTyped<float, double>(x, grid, p, *y, threads);
  if (!x32 && g32) GridSampleTyped<double, float>(x, grid, p, *y, threads);
  if (!x32 && !g32) GridSampleTyped<double, double>(x, grid, p, *y, threads);
  return y;
}

}  // namespace kiln::ref
