// Choosing the range [lo, hi] a quantizer maps onto its integer grid, from a histogram of the
// values it will see (calibration). A wide range keeps every value but makes the grid step
// coarse; a narrow one rounds finely but clips the tails. The methods trade one for the other:
//
//   minmax      [min, max], exact: nothing clipped. Symmetric: max|x| on both sides.
//   percentile  the given percentile of |x| (symmetric), or the lower and upper percentiles;
//               interpolated inside a bin, so within one bin width of the sorted sample's.
//   entropy     TensorRT's KL-divergence threshold (as NVIDIA's pytorch-quantization computes
//               it). Symmetric: over |x|, with (num_levels - 1) / 2 + 1 quantized bins (128 for
//               int8). Asymmetric with no negative value (after ReLU): over [0, max] with
//               num_levels bins, lo = 0; no positive value: the mirror image. Asymmetric with
//               both signs: the symmetric threshold cut to [min, max]. Thresholds are at least
//               that many histogram bins wide, so entropy needs num_bins well above num_levels.
//   mse         the range with the smallest expected squared error, rounding inside plus
//               clipping outside, each bin's values spread evenly over the bin. Symmetric, and
//               one-signed data: a search over every bin edge as the threshold. Asymmetric with
//               both signs: coordinate descent over lo and hi.
//
// Every range contains 0 (lo <= 0 <= hi) and has lo < hi. The histogram comes from a
// TensorObserver (passes/quantize/observer.h), the usual way to get here:
//
//   RangeRequest r{.method = RangeMethod::kEntropy, .num_levels = 256, .symmetric = true};
//   Range range = observer.Compute(r);                  // SearchRange(observer.view(), r)
//   QuantGrid grid = QuantGrid::Of(range, r.num_levels, r.symmetric);
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace kiln::quant {

// X(enumerator, spelling): the range methods, in the order of RangeMethod.
#define KILN_RANGE_METHODS(X)  \
  X(kMinMax, "minmax")         \
  X(kPercentile, "percentile") \
  X(kEntropy, "entropy")       \
  X(kMse, "mse")

enum class RangeMethod : uint8_t {
#define KILN_X(e, name) e,
  KILN_RANGE_METHODS(KILN_X)
#undef KILN_X
};

std::string_view RangeMethodName(RangeMethod method);                // "minmax", ...
std::optional<RangeMethod> ParseRangeMethod(std::string_view name);  // nullopt when unknown

struct Range {
  float lo = 0;
  float hi = 0;
  bool operator==(const Range&) const = default;
};

struct RangeRequest {
  RangeMethod method = RangeMethod::kMinMax;
  // 256 for 8-bit, 16 for 4-bit; at least 3 is used. The grid is QuantGrid::Of.
  int num_levels = 256;
  // lo == -hi, with zero on the grid and no zero point (int8: -127..127 times hi / 127).
  bool symmetric = false;
  // kPercentile: kept share of the values, in percent; clamped to [50, 100], NaN is 100.
  double percentile = 99.99;
};

// The grid points a range gives: lo + k * step for k = 0..steps. Asymmetric: num_levels points
// from lo to hi. Symmetric: (num_levels - 1) / 2 steps on each side of 0, so zero is a point
// (8-bit: 255 points, the int8 value -128 unused). Asymmetric grids are ideal: a quantizer
// nudges its zero point so that 0 is exact, which shifts the points by less than half a step.
struct QuantGrid {
  double lo = 0;
  double step = 1;
  int64_t steps = 1;

  static QuantGrid Of(Range range, int num_levels, bool symmetric);
  double hi() const { return lo + static_cast<double>(steps) * step; }
  // The nearest grid point (values outside [lo, hi] clip to the end points).
  double Snap(double x) const;
  // The integral of (x - Snap(x))^2 over [a, b], a <= b: rounding inside, clipping outside.
  double SquaredErrorIntegral(double a, double b) const;
};

// A histogram with power-of-two bins aligned on 0: bin j holds the values in
// [(first + j) * width, (first + j + 1) * width). min and max are the exact extremes.
struct HistogramView {
  std::span<const int64_t> counts;
  int64_t first = 0;
  double width = 1;
  float min = 0;
  float max = 0;
  int64_t count = 0;  // the sum of counts
};

// The range `request` asks for, from the histogram. Without values, or when all are 0, a tiny
// range around 0. The grid step is never below FLT_EPSILON (as in PyTorch's observers), so
// scales stay normal floats.
Range SearchRange(const HistogramView& histogram, const RangeRequest& request);

}  // namespace kiln::quant
