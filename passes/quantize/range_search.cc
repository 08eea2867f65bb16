#include "passes/quantize/range_search.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <iterator>
#include <limits>
#include <utility>
#include <vector>

namespace kiln::quant {
namespace {

// The smallest grid step a range may give (PyTorch's observers clamp scales the same way).
constexpr double kMinStep = FLT_EPSILON;
// Coordinate descent rounds of the two-sided MSE search; it usually settles in two or three.
constexpr int kMaxDescentRounds = 16;
// Candidates a descent step tries before refining around the best of them.
constexpr size_t kCoarseCandidates = 64;
// KL divergence: a quantized probability of 0 where the original has mass counts as this
// (clipping outliers onto an empty bin), instead of an infinite divergence.
constexpr double kMinProbability = 1e-9;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

int Levels(const RangeRequest& r) { return std::max(r.num_levels, 3); }
int64_t HalfSteps(int levels) { return (levels - 1) / 2; }

double Cube(double x) { return x * x * x; }
// p^3 - q^3 without cancelling when p and q are close.
double CubeDifference(double p, double q) { return (p - q) * (p * p + p * q + q * q); }

// A 0-containing range the grid can use: a step of at least kMinStep, symmetric if asked.
Range MakeUsable(double lo, double hi, const RangeRequest& request) {
  lo = std::isfinite(lo) ? std::min(lo, 0.0) : 0.0;
  hi = std::isfinite(hi) ? std::max(hi, 0.0) : 0.0;
  const int levels = Levels(request);
  if (request.symmetric) {
    const double t = std::max({-lo, hi, kMinStep * static_cast<double>(HalfSteps(levels))});
    return {static_cast<float>(-t), static_cast<float>(t)};
  }
  const double min_width = kMinStep * (levels - 1);
  if (hi - lo < min_width) {
    if (lo == 0) {
      hi = min_width;
    } else if (hi == 0) {
      lo = -min_width;
    } else {
      const double f = min_width / (hi - lo);
      lo *= f;
      hi *= f;
    }
  }
  return {static_cast<float>(lo), static_cast<float>(hi)};
}

// Values v >= 0 (|x|, or x itself when none is negative): bin j holds
// [(first + j) * width, (first + j + 1) * width); vmin and vmax are exact.
struct OneSided {
  std::vector<int64_t> counts;
  int64_t first = 0;
  double width = 1;
  double vmin = 0;
  double vmax = 0;
  int64_t count = 0;
};

// The histogram of |x|. Bins are aligned on 0, so bin k and its mirror -(k + 1) fold into one
// bin exactly (a negative value exactly on an edge lands one bin low).
OneSided Fold(const HistogramView& h) {
  OneSided f;
  f.width = h.width;
  f.count = h.count;
  f.vmax = std::max(std::fabs(static_cast<double>(h.min)), std::fabs(static_cast<double>(h.max)));
  f.vmin = h.min >= 0 ? h.min : (h.max <= 0 ? -static_cast<double>(h.max) : 0.0);
  auto fold = [&](size_t j) {
    const int64_t k = h.first + static_cast<int64_t>(j);
    return k >= 0 ? k : -(k + 1);
  };
  int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
  for (size_t j = 0; j < h.counts.size(); ++j) {
    if (h.counts[j] == 0) continue;
    lo = std::min(lo, fold(j));
    hi = std::max(hi, fold(j));
  }
  if (lo > hi) return f;
  f.first = lo;
  f.counts.assign(hi - lo + 1, 0);
  for (size_t j = 0; j < h.counts.size(); ++j) {
    if (h.counts[j] != 0) f.counts[fold(j) - lo] += h.counts[j];
  }
  return f;
}

// The value below which `fraction` of the values lie, interpolating linearly inside the bin
// where the cumulative count crosses it (so within one bin width of the sorted-sample value),
// kept inside [vmin, vmax].
double Quantile(std::span<const int64_t> counts, int64_t first, double width, int64_t total,
                double fraction, double vmin, double vmax) {
  const double target = fraction * static_cast<double>(total);
  double below = 0;
  for (size_t j = 0; j < counts.size(); ++j) {
    const double c = static_cast<double>(counts[j]);
    if (c > 0 && below + c >= target) {
      const double edge = static_cast<double>(first + static_cast<int64_t>(j)) * width;
      return std::clamp(edge + width * (target - below) / c, vmin, vmax);
    }
    below += c;
  }
  return vmax;
}

// TensorRT's entropy calibration on values v >= 0, with the details of NVIDIA's
// pytorch-quantization (`_compute_amax_entropy`). For each threshold of i >= `quantized_bins`
// histogram bins, the reference P is the histogram below the threshold with the clipped values
// added to its last bin; Q spreads bin k to level k * quantized_bins / i, and gives each
// non-empty bin its level's mean. The threshold with the smallest KL(P || Q) wins (the largest
// on ties). Bin 0 counts as bin 1: after ReLU it holds a spike of zeros, which the grid keeps
// exactly and which would otherwise decide the divergence.
double EntropyThreshold(const OneSided& h, int64_t quantized_bins) {
  // Thresholds count bins from 0: merge bin pairs (exact, bins are aligned) until the bins
  // from 0 to the last non-empty one are few enough to search all of them.
  std::vector<int64_t> counts = h.counts;
  int64_t first = h.first;
  double width = h.width;
  const int64_t limit =
      std::max<int64_t>(static_cast<int64_t>(h.counts.size()), 4 * quantized_bins);
  while (first + static_cast<int64_t>(counts.size()) > limit) {
    const int64_t new_first = first >> 1;
    const int64_t last = (first + static_cast<int64_t>(counts.size()) - 1) >> 1;
    std::vector<int64_t> merged(last - new_first + 1, 0);
    for (size_t j = 0; j < counts.size(); ++j) {
      merged[((first + static_cast<int64_t>(j)) >> 1) - new_first] += counts[j];
    }
    counts = std::move(merged);
    first = new_first;
    width *= 2;
  }
  std::vector<double> hist(first + counts.size(), 0.0);
  for (size_t j = 0; j < counts.size(); ++j) hist[first + j] = static_cast<double>(counts[j]);
  while (!hist.empty() && hist.back() == 0) hist.pop_back();
  const int64_t bins = static_cast<int64_t>(hist.size());
  if (bins <= quantized_bins) return h.vmax;  // no threshold inside the resolution clips
  hist[0] = hist[1];

  std::vector<double> above(bins + 1, 0.0);  // above[i]: the values of bins i and up
  for (int64_t k = bins - 1; k >= 0; --k) above[k] = above[k + 1] + hist[k];
  std::vector<double> level_sum(quantized_bins), level_bins(quantized_bins);
  double best_divergence = kInfinity;
  int64_t best = bins;
  for (int64_t i = quantized_bins; i <= bins; ++i) {
    std::fill(level_sum.begin(), level_sum.end(), 0.0);
    std::fill(level_bins.begin(), level_bins.end(), 0.0);
    for (int64_t k = 0; k < i; ++k) {
      if (hist[k] == 0) continue;
      level_sum[k * quantized_bins / i] += hist[k];
      level_bins[k * quantized_bins / i] += 1;
    }
    // P sums to above[0]; Q to the values below the threshold, above[0] - above[i].
    const double p_sum = above[0], q_sum = above[0] - above[i];
    if (q_sum <= 0) continue;
    double divergence = 0;
    for (int64_t k = 0; k < i; ++k) {
      const double pk = (hist[k] + (k == i - 1 ? above[i] : 0.0)) / p_sum;
      if (pk == 0) continue;
      const int64_t level = k * quantized_bins / i;
      const double qk = hist[k] == 0 ? 0.0 : level_sum[level] / level_bins[level] / q_sum;
      divergence += pk * std::log(pk / std::max(qk, kMinProbability));
    }
    if (divergence <= best_divergence) {
      best_divergence = divergence;
      best = i;
    }
  }
  return std::min(static_cast<double>(best) * width, h.vmax);
}

// The values of one bin, modelled as spread evenly over [a, b] (a == b: all at a). At the bin's
// center instead, the rounding error would jump about once the grid step nears the bin width.
struct SpreadBin {
  double a = 0;
  double b = 0;
  double count = 0;
};

// The non-empty bins with their extents cut to the exact [vmin, vmax], in order.
std::vector<SpreadBin> SpreadBins(std::span<const int64_t> counts, int64_t first, double width,
                                  double vmin, double vmax) {
  std::vector<SpreadBin> bins;
  for (size_t j = 0; j < counts.size(); ++j) {
    if (counts[j] == 0) continue;
    const double edge = static_cast<double>(first + static_cast<int64_t>(j)) * width;
    const double a = std::clamp(edge, vmin, vmax);
    bins.push_back({a, std::clamp(edge + width, a, vmax), static_cast<double>(counts[j])});
  }
  return bins;
}

// The sum over all values of (x - grid.Snap(x))^2. Bins wholly outside the grid only clip, and
// their error comes from prefix sums of count, mean and mean square, so a search over ranges
// pays per bin only for the bins inside.
class QuantErrorModel {
 public:
  explicit QuantErrorModel(std::vector<SpreadBin> bins) : bins_(std::move(bins)) {
    sum0_.assign(bins_.size() + 1, 0.0);
    sum1_ = sum2_ = sum0_;
    for (size_t i = 0; i < bins_.size(); ++i) {
      const SpreadBin& s = bins_[i];
      sum0_[i + 1] = sum0_[i] + s.count;
      sum1_[i + 1] = sum1_[i] + s.count * (s.a + s.b) / 2;
      sum2_[i + 1] = sum2_[i] + s.count * (s.a * s.a + s.a * s.b + s.b * s.b) / 3;
    }
  }

  double Error(const QuantGrid& grid) const {
    const double lo = grid.lo, hi = grid.hi();
    const size_t n = bins_.size();
    const auto begin = bins_.begin();
    // Bins [0, below) lie at or under lo, bins [above, n) at or over hi.
    const size_t below =
        std::partition_point(begin, bins_.end(), [&](const SpreadBin& s) { return s.b <= lo; }) -
        begin;
    const size_t above =
        std::max<size_t>(below, std::partition_point(begin, bins_.end(), [&](const SpreadBin& s) {
                                  return s.a < hi;
                                }) - begin);
    // sum of count * (x - c)^2 over a run of bins: s2 - 2 c s1 + c^2 s0.
    auto clipped = [&](size_t from, size_t to, double c) {
      const double s0 = sum0_[to] - sum0_[from], s1 = sum1_[to] - sum1_[from];
      const double s2 = sum2_[to] - sum2_[from];
      return std::max(0.0, s2 - 2 * c * s1 + c * c * s0);
    };
    double error = clipped(0, below, lo) + clipped(above, n, hi);
    for (size_t i = below; i < above; ++i) {
      const SpreadBin& s = bins_[i];
      if (s.b > s.a) {
        error += s.count * grid.SquaredErrorIntegral(s.a, s.b) / (s.b - s.a);
      } else {
        const double e = s.a - grid.Snap(s.a);
        error += s.count * e * e;
      }
    }
    return error;
  }

 private:
  std::vector<SpreadBin> bins_;
  std::vector<double> sum0_, sum1_, sum2_;
};

// The threshold T minimizing the expected error of the grid 0, T / steps, ..., T on v >= 0.
// Candidates: every bin edge from the first non-empty bin up to vmax (gaps included: the best
// clip may lie between the bulk and an outlier), and vmax.
double MseThreshold(const OneSided& h, int64_t steps) {
  const QuantErrorModel model(SpreadBins(h.counts, h.first, h.width, h.vmin, h.vmax));
  std::vector<double> candidates;
  for (size_t j = 0; j < h.counts.size(); ++j) {
    const double edge = static_cast<double>(h.first + static_cast<int64_t>(j) + 1) * h.width;
    if (edge > 0 && edge < h.vmax) candidates.push_back(edge);
  }
  candidates.push_back(h.vmax);
  double best = h.vmax, best_error = kInfinity;
  for (double t : candidates) {
    const double error = model.Error({.lo = 0, .step = t / steps, .steps = steps});
    if (error < best_error) {
      best_error = error;
      best = t;
    }
  }
  return best;
}

// Mixed-sign data on an asymmetric grid of `levels` points. Coordinate descent: the best hi for
// the current lo, then the best lo for that hi (coarse to fine), until neither moves; candidates
// are the bin edges strictly between 0 and the extremes, and the extremes. One descent starts from
// [min, max], one from the symmetric MSE threshold `t` cut to [min, max] (from [min, max] alone
// it stalls when outliers lie on both sides: clipping one side barely refines a coarse grid).
// The better end wins.
Range MseTwoSided(const HistogramView& h, int levels, double t) {
  const QuantErrorModel model(SpreadBins(h.counts, h.first, h.width, h.min, h.max));
  std::vector<double> his, los;
  for (size_t j = 0; j <= h.counts.size(); ++j) {
    const double edge = static_cast<double>(h.first + static_cast<int64_t>(j)) * h.width;
    if (edge > 0 && edge < h.max) his.push_back(edge);
    if (edge < 0 && edge > h.min) los.push_back(edge);
  }
  his.push_back(h.max);
  los.push_back(h.min);
  const int64_t steps = levels - 1;
  auto error = [&](double lo, double hi) {
    return model.Error({.lo = lo, .step = (hi - lo) / steps, .steps = steps});
  };
  // Coarse to fine: every stride-th candidate, then the ones around the best of those.
  auto best_of = [](std::span<const double> candidates, auto&& error_at) {
    const size_t n = candidates.size(), stride = std::max<size_t>(1, n / kCoarseCandidates);
    size_t best = n - 1;
    double best_error = error_at(candidates[best]);
    auto consider = [&](size_t i) {
      const double e = error_at(candidates[i]);
      if (e < best_error) {
        best_error = e;
        best = i;
      }
    };
    for (size_t i = 0; i < n; i += stride) consider(i);
    const size_t center = best;
    for (size_t i = center > stride ? center - stride : 0; i < std::min(n, center + stride); ++i) {
      consider(i);
    }
    return candidates[best];
  };
  auto descend = [&](double lo, double hi) {
    for (int round = 0; round < kMaxDescentRounds; ++round) {
      const double new_hi = best_of(his, [&](double c) { return error(lo, c); });
      const double new_lo = best_of(los, [&](double c) { return error(c, new_hi); });
      const bool settled = new_hi == hi && new_lo == lo;
      lo = new_lo;
      hi = new_hi;
      if (settled) break;
    }
    return std::pair{lo, hi};
  };
  auto [lo, hi] = descend(h.min, h.max);
  const auto [lo2, hi2] = descend(std::max<double>(h.min, -t), std::min<double>(h.max, t));
  if (error(lo2, hi2) < error(lo, hi)) {
    lo = lo2;
    hi = hi2;
  }
  return {static_cast<float>(lo), static_cast<float>(hi)};
}

double ClampedPercentile(double percentile) {
  return std::isnan(percentile) ? 100.0 : std::clamp(percentile, 50.0, 100.0);
}

}  // namespace

// The spellings, in enumerator order.
constexpr std::string_view kRangeMethodNames[] = {
#define KILN_X(e, name) name,
    KILN_RANGE_METHODS(KILN_X)
#undef KILN_X
};
static_assert(std::size(kRangeMethodNames) == static_cast<size_t>(RangeMethod::kMse) + 1);

std::string_view RangeMethodName(RangeMethod method) {
  const auto i = static_cast<size_t>(method);
  return i < std::size(kRangeMethodNames) ? kRangeMethodNames[i] : "";
}

std::optional<RangeMethod> ParseRangeMethod(std::string_view name) {
  for (size_t i = 0; i < std::size(kRangeMethodNames); ++i) {
    if (kRangeMethodNames[i] == name) return static_cast<RangeMethod>(i);
  }
  return std::nullopt;
}

QuantGrid QuantGrid::Of(Range range, int num_levels, bool symmetric) {
  const int levels = std::max(num_levels, 3);
  if (symmetric) {
    const int64_t half = HalfSteps(levels);
    const double t = std::max(std::fabs(static_cast<double>(range.lo)),
                              std::fabs(static_cast<double>(range.hi)));
    return {.lo = -t, .step = t / static_cast<double>(half), .steps = 2 * half};
  }
  return {.lo = range.lo,
          .step = (static_cast<double>(range.hi) - range.lo) / (levels - 1),
          .steps = levels - 1};
}

double QuantGrid::Snap(double x) const {
  if (!(step > 0)) return lo;
  const double k = std::clamp(std::floor((x - lo) / step + 0.5), 0.0, static_cast<double>(steps));
  return lo + k * step;
}

double QuantGrid::SquaredErrorIntegral(double a, double b) const {
  const double top = hi();
  double total = 0;
  if (a < lo) total += CubeDifference(lo - a, lo - std::min(b, lo)) / 3;
  if (b > top) total += CubeDifference(b - top, std::max(a, top) - top) / 3;
  const double in_a = std::max(a, lo), in_b = std::min(b, top);
  if (in_b > in_a && step > 0) {
    // The rounding error t - step * round(t / step) repeats every step; its square integrates
    // to step^3 / 12 per step. From the grid's start to u:
    auto from_start = [&](double u) {
      const double v = u + step / 2;
      const double m = std::floor(v / step);
      const double r = v - m * step - step / 2;  // in [-step/2, step/2)
      return m * Cube(step) / 12 + (Cube(r) + Cube(step) / 8) / 3 - Cube(step) / 24;
    };
    total += from_start(in_b - lo) - from_start(in_a - lo);
  }
  return total;
}

Range SearchRange(const HistogramView& h, const RangeRequest& request) {
  if (h.count == 0 || (h.min == 0 && h.max == 0)) return MakeUsable(0, 0, request);
  const int levels = Levels(request);
  const bool symmetric = request.symmetric;
  const bool mixed_sign = h.min < 0 && h.max > 0;
  const bool negative = h.max <= 0;  // asymmetric all-negative data: a mirrored one-sided search
  switch (request.method) {
    case RangeMethod::kMinMax:
      return MakeUsable(h.min, h.max, request);
    case RangeMethod::kPercentile: {
      const double p = ClampedPercentile(request.percentile) / 100;
      if (symmetric) {
        const OneSided f = Fold(h);
        const double t = Quantile(f.counts, f.first, f.width, f.count, p, f.vmin, f.vmax);
        return MakeUsable(-t, t, request);
      }
      const double lo = Quantile(h.counts, h.first, h.width, h.count, 1 - p, h.min, h.max);
      const double hi = Quantile(h.counts, h.first, h.width, h.count, p, h.min, h.max);
      return MakeUsable(lo, hi, request);
    }
    case RangeMethod::kEntropy: {
      const OneSided f = Fold(h);
      if (symmetric || mixed_sign) {
        // Mixed-sign data on an asymmetric grid: the symmetric threshold, cut to [min, max].
        const double t = EntropyThreshold(f, HalfSteps(levels) + 1);
        return MakeUsable(std::max<double>(h.min, -t), std::min<double>(h.max, t), request);
      }
      const double t = EntropyThreshold(f, levels);
      return negative ? MakeUsable(-t, 0, request) : MakeUsable(0, t, request);
    }
    case RangeMethod::kMse: {
      const OneSided f = Fold(h);
      if (symmetric || mixed_sign) {
        const double t = MseThreshold(f, HalfSteps(levels));
        if (symmetric) return MakeUsable(-t, t, request);
        const Range r = MseTwoSided(h, levels, t);
        return MakeUsable(r.lo, r.hi, request);
      }
      const double t = MseThreshold(f, levels - 1);
      return negative ? MakeUsable(-t, 0, request) : MakeUsable(0, t, request);
    }
  }
  return MakeUsable(h.min, h.max, request);
}

}  // namespace kiln::quant
