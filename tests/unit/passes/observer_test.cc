#include "passes/quantize/observer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace kiln::quant {
namespace {

constexpr RangeMethod kAllMethods[] = {RangeMethod::kMinMax, RangeMethod::kPercentile,
                                       RangeMethod::kEntropy, RangeMethod::kMse};

std::vector<float> Normal(int n, uint32_t seed, float sigma = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, sigma);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

std::vector<float> Uniform(int n, uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// A standard normal sample with `outliers` values alternating between +magnitude and -magnitude.
std::vector<float> NormalWithOutliers(int n, int outliers, float magnitude) {
  std::vector<float> v = Normal(n, 7);
  for (int i = 0; i < outliers; ++i)
    v[static_cast<size_t>(i) * 997] = i % 2 ? -magnitude : magnitude;
  return v;
}

TensorObserver ObserveAll(std::span<const float> values, int num_bins = 2048) {
  TensorObserver obs(num_bins);
  obs.Observe(values);
  return obs;
}

// The mean squared error of fake-quantizing `values` on the grid the range gives: the trivial
// model beside QuantGrid (symmetric: hi / h times -h..h with h = (levels - 1) / 2).
double ActualMse(std::span<const float> values, Range r, int levels, bool symmetric) {
  double sum = 0;
  for (float x : values) {
    double snapped;
    if (symmetric) {
      const int half = (levels - 1) / 2;
      const double h = half, scale = r.hi / h;
      snapped = std::clamp(std::round(x / scale), -h, h) * scale;
    } else {
      const double scale = (static_cast<double>(r.hi) - r.lo) / (levels - 1);
      snapped = r.lo + std::clamp(std::round((x - r.lo) / scale), 0.0, levels - 1.0) * scale;
    }
    sum += (x - snapped) * (x - snapped);
  }
  return sum / static_cast<double>(values.size());
}

// The value with `fraction` of a sorted copy of `values` at or below it.
float SortedQuantile(std::vector<float> values, double fraction) {
  const size_t k = static_cast<size_t>(std::ceil(fraction * static_cast<double>(values.size())));
  const size_t at = std::min(values.size() - 1, k == 0 ? 0 : k - 1);
  std::nth_element(values.begin(), values.begin() + at, values.end());
  return values[at];
}

void ExpectUsable(Range r, const RangeRequest& q) {
  SCOPED_TRACE(std::string(RangeMethodName(q.method)) + (q.symmetric ? " symmetric" : ""));
  EXPECT_TRUE(std::isfinite(r.lo) && std::isfinite(r.hi));
  EXPECT_LE(r.lo, 0.0f);
  EXPECT_GE(r.hi, 0.0f);
  EXPECT_LT(r.lo, r.hi);
  if (q.symmetric) {
    EXPECT_EQ(r.lo, -r.hi);
  }
}

TEST(ObserverTest, MethodNamesRoundTrip) {
  for (RangeMethod m : kAllMethods) EXPECT_EQ(ParseRangeMethod(RangeMethodName(m)), m);
  EXPECT_EQ(RangeMethodName(RangeMethod::kEntropy), "entropy");
  EXPECT_EQ(ParseRangeMethod("kl"), std::nullopt);
  EXPECT_EQ(ParseRangeMethod("MinMax"), std::nullopt);
}

TEST(ObserverTest, TracksExactExtremesAndSkipsNonFinite) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  TensorObserver obs;
  obs.Observe(std::vector<float>{0.5f, -1.25f, nan, 3.0000002f, inf});
  obs.Observe(std::vector<float>{-inf, -1.2500001f, 2.0f});
  EXPECT_EQ(obs.count(), 5);
  EXPECT_EQ(obs.nonfinite_count(), 3);
  EXPECT_EQ(obs.min(), -1.2500001f);
  EXPECT_EQ(obs.max(), 3.0000002f);
  EXPECT_EQ(obs.Compute({}), (Range{-1.2500001f, 3.0000002f}));
  EXPECT_EQ(obs.Compute({.symmetric = true}), (Range{-3.0000002f, 3.0000002f}));
  // Positive data: the range is stretched to 0.
  TensorObserver positive = ObserveAll(std::vector<float>{2.0f, 5.0f});
  EXPECT_EQ(positive.Compute({}), (Range{0.0f, 5.0f}));
}

TEST(ObserverTest, MergeEqualsObservingTheConcatenation) {
  std::vector<float> a = Normal(5000, 1, 0.01f);  // narrow: a fine histogram, re-binned later
  std::vector<float> b = NormalWithOutliers(5000, 3, 40.0f);
  std::vector<float> both = a;
  both.insert(both.end(), b.begin(), b.end());
  TensorObserver merged = ObserveAll(a), other = ObserveAll(b), whole = ObserveAll(both);
  merged.Merge(other);
  EXPECT_EQ(merged.count(), whole.count());
  EXPECT_EQ(merged.min(), whole.min());
  EXPECT_EQ(merged.max(), whole.max());
  EXPECT_EQ(merged.bin_width(), whole.bin_width());
  EXPECT_EQ(merged.view().first, whole.view().first);
  EXPECT_TRUE(std::ranges::equal(merged.view().counts, whole.view().counts));
  // Merging the other way round, and into an empty observer, gives the same state too.
  TensorObserver reversed = ObserveAll(b);
  reversed.Merge(ObserveAll(a));
  TensorObserver empty;
  empty.Merge(whole);
  // Merging with itself is observing its stream twice; non-finite counts add up too.
  TensorObserver twice = ObserveAll(b), b_twice = ObserveAll(b);
  twice.Observe(std::vector<float>{std::numeric_limits<float>::quiet_NaN()});
  twice.Merge(twice);
  b_twice.Observe(b);
  EXPECT_EQ(twice.nonfinite_count(), 2);
  EXPECT_TRUE(std::ranges::equal(twice.view().counts, b_twice.view().counts));
  for (RangeMethod m : kAllMethods) {
    for (bool symmetric : {false, true}) {
      const RangeRequest q{.method = m, .num_levels = 16, .symmetric = symmetric};
      EXPECT_EQ(merged.Compute(q), whole.Compute(q)) << RangeMethodName(m);
      EXPECT_EQ(reversed.Compute(q), whole.Compute(q)) << RangeMethodName(m);
      EXPECT_EQ(empty.Compute(q), whole.Compute(q)) << RangeMethodName(m);
    }
  }
}

TEST(ObserverTest, MergeWithOtherBinCountIsApproximate) {
  std::vector<float> a = Uniform(4000, 2, -1.0f, 3.0f), b = Uniform(4000, 3, -2.0f, 1.0f);
  std::vector<float> both = a;
  both.insert(both.end(), b.begin(), b.end());
  TensorObserver merged = ObserveAll(a, 2048);
  merged.Merge(ObserveAll(b, 512));  // its bins land at their centers
  TensorObserver whole = ObserveAll(both, 2048);
  EXPECT_EQ(merged.count(), whole.count());
  EXPECT_EQ(merged.min(), whole.min());
  EXPECT_EQ(merged.max(), whole.max());
  const RangeRequest q{.method = RangeMethod::kPercentile, .percentile = 99.0};
  const double coarse_width = 4 * whole.bin_width();  // b's bins are 4 times wider
  EXPECT_NEAR(merged.Compute(q).lo, whole.Compute(q).lo, coarse_width);
  EXPECT_NEAR(merged.Compute(q).hi, whole.Compute(q).hi, coarse_width);
}

// The bin width depends only on the final [min, max] and old counts are re-binned exactly, so
// 1 batch and 100 batches give the same histogram and identical ranges (tolerance 0, where a
// merely approximate re-binning would need one bin width).
TEST(ObserverTest, BatchingDoesNotChangeTheResult) {
  std::vector<float> values = NormalWithOutliers(20000, 4, 300.0f);
  // Growing magnitudes, so the range widens (and the histogram is re-binned) many times.
  for (size_t i = 0; i < values.size(); ++i) values[i] *= 1e-3f + static_cast<float>(i) * 1e-4f;
  TensorObserver one = ObserveAll(values);
  TensorObserver hundred;
  for (size_t start = 0; start < values.size(); start += 200) {
    hundred.Observe(std::span<const float>(values).subspan(start, 200));
  }
  EXPECT_EQ(hundred.bin_width(), one.bin_width());
  EXPECT_TRUE(std::ranges::equal(hundred.view().counts, one.view().counts));
  for (RangeMethod m : kAllMethods) {
    for (bool symmetric : {false, true}) {
      const RangeRequest q{.method = m, .symmetric = symmetric};
      EXPECT_EQ(hundred.Compute(q), one.Compute(q)) << RangeMethodName(m);
    }
  }
}

TEST(ObserverTest, PercentileMatchesTheSortedSample) {
  for (const std::vector<float>& values :
       {Uniform(100000, 4, -1.0f, 3.0f), Normal(100000, 5, 2.0f)}) {
    TensorObserver obs = ObserveAll(values);
    const double w = obs.bin_width();
    // Symmetric: the percentile of |x|.
    std::vector<float> abs(values.size());
    std::transform(values.begin(), values.end(), abs.begin(), [](float x) { return std::fabs(x); });
    for (double p : {90.0, 99.0, 99.99}) {
      const Range r =
          obs.Compute({.method = RangeMethod::kPercentile, .symmetric = true, .percentile = p});
      EXPECT_NEAR(r.hi, SortedQuantile(abs, p / 100), w) << p;
    }
    // Asymmetric: the lower and upper percentiles.
    const Range r = obs.Compute({.method = RangeMethod::kPercentile, .percentile = 99.5});
    EXPECT_NEAR(r.lo, SortedQuantile(values, 0.005), w);
    EXPECT_NEAR(r.hi, SortedQuantile(values, 0.995), w);
    // 100 percent is minmax.
    EXPECT_EQ(obs.Compute({.method = RangeMethod::kPercentile, .percentile = 100}),
              obs.Compute({}));
  }
  // Uniform [-1, 3]: the 99th percentile of |x| is 2.96 analytically (|x| > t for x > t only).
  TensorObserver uniform = ObserveAll(Uniform(200000, 6, -1.0f, 3.0f));
  const Range r =
      uniform.Compute({.method = RangeMethod::kPercentile, .symmetric = true, .percentile = 99});
  EXPECT_NEAR(r.hi, 2.96, 0.01);
}

TEST(ObserverTest, EntropyAndMseClipOutliersMinMaxDoesNot) {
  // Four values at +-100 sigma among 100000. (MSE keeps outliers whose squared clipping error
  // outweighs the rounding error of everything else: at +-1000 it would keep these four.)
  const float outlier = 100.0f;
  const std::vector<float> values = NormalWithOutliers(100000, 4, outlier);
  // The KL search needs at least 128 bins under the threshold (int8): 8192 bins over
  // [-100, 100] make that 4, where 2048 bins could clip no lower than 16.
  TensorObserver fine = ObserveAll(values, 8192);
  const Range entropy = fine.Compute({.method = RangeMethod::kEntropy, .symmetric = true});
  EXPECT_LT(entropy.hi, 0.1f * outlier);
  EXPECT_GT(entropy.hi, 3.0f);
  // MSE on int4: rounding 100000 values on a step of 100 / 7 costs more than clipping four.
  TensorObserver obs = ObserveAll(values);
  const Range mse = obs.Compute({.method = RangeMethod::kMse, .num_levels = 16, .symmetric = true});
  EXPECT_LT(mse.hi, 0.1f * outlier);
  EXPECT_GT(mse.hi, 1.5f);
  // Asymmetric: both ends clipped (a descent from [min, max] alone stalls at about [-100, 88]).
  const Range two_sided = obs.Compute({.method = RangeMethod::kMse, .num_levels = 16});
  EXPECT_GT(two_sided.lo, -0.1f * outlier);
  EXPECT_LT(two_sided.hi, 0.1f * outlier);
  EXPECT_GE(obs.Compute({.symmetric = true}).hi, outlier);
  EXPECT_GE(obs.Compute({}).hi, outlier);
  EXPECT_LE(obs.Compute({}).lo, -outlier);
}

// The MSE range against the trivial search: fake-quantize the sample itself for many clip
// thresholds. It must beat minmax and come close to the best threshold found that way.
TEST(ObserverTest, MseRangeHasLowQuantizationError) {
  const std::vector<float> values = NormalWithOutliers(50000, 6, 30.0f);
  TensorObserver obs = ObserveAll(values);
  for (int levels : {16, 256}) {
    SCOPED_TRACE(levels);
    const RangeRequest q{.method = RangeMethod::kMse, .num_levels = levels, .symmetric = true};
    const double mse_error = ActualMse(values, obs.Compute(q), levels, true);
    const double minmax_error =
        ActualMse(values, obs.Compute({.num_levels = levels, .symmetric = true}), levels, true);
    EXPECT_LT(mse_error, (levels == 16 ? 0.5 : 1.0) * minmax_error);
    double best = std::numeric_limits<double>::infinity();
    for (int i = 1; i <= 300; ++i) {
      const float t = 30.0f * static_cast<float>(i) / 300;
      best = std::min(best, ActualMse(values, {-t, t}, levels, true));
    }
    EXPECT_LT(mse_error, 1.05 * best);
  }
  // A Gaussian on int8, where the grid step near the optimum (about 3.86 / 127) is narrower
  // than the bins: within 1% of the best threshold (bins modelled as points at their centers
  // would be 3% and 1.7% off).
  const std::vector<float> gauss = Normal(50000, 11);
  for (int bins : {256, 2048}) {
    TensorObserver o = ObserveAll(gauss, bins);
    const float t = o.Compute({.method = RangeMethod::kMse, .symmetric = true}).hi;
    double best_gauss = std::numeric_limits<double>::infinity();
    for (int i = 1; i <= 400; ++i) {
      const float c = o.max() * static_cast<float>(i) / 400;
      best_gauss = std::min(best_gauss, ActualMse(gauss, {-c, c}, 256, true));
    }
    EXPECT_LT(ActualMse(gauss, {-t, t}, 256, true), 1.01 * best_gauss) << bins << " bins: " << t;
  }
  // Asymmetric on mixed-sign data (coordinate descent over lo and hi).
  const RangeRequest q{.method = RangeMethod::kMse, .num_levels = 16};
  const Range r = obs.Compute(q);
  EXPECT_LT(ActualMse(values, r, 16, false),
            0.5 * ActualMse(values, obs.Compute({.num_levels = 16}), 16, false));
  EXPECT_GT(r.lo, -30.0f);
  EXPECT_LT(r.hi, 30.0f);
}

TEST(ObserverTest, CoarserGridsClipMore) {
  TensorObserver obs = ObserveAll(Normal(100000, 8));
  const float int8 = obs.Compute({.method = RangeMethod::kMse, .symmetric = true}).hi;
  const float int4 =
      obs.Compute({.method = RangeMethod::kMse, .num_levels = 16, .symmetric = true}).hi;
  EXPECT_LT(int4, int8);
  EXPECT_LE(int8, obs.max() > -obs.min() ? obs.max() : -obs.min());
  // Known MSE-optimal clips of a unit Gaussian: about 2.5 (4-bit) and 4 or more (8-bit).
  EXPECT_NEAR(int4, 2.5, 0.3);
  EXPECT_GT(int8, 3.5f);
}

// Reference points, from NVIDIA's pytorch-quantization run on the same histogram: a unit
// Gaussian clips near 4 (int8) and 3.26 (int4); uniform data, without tails, barely clips.
TEST(ObserverTest, EntropyThresholdsOfKnownDistributions) {
  TensorObserver gauss = ObserveAll(Normal(100000, 8));
  const float int8 = gauss.Compute({.method = RangeMethod::kEntropy, .symmetric = true}).hi;
  const float int4 =
      gauss.Compute({.method = RangeMethod::kEntropy, .num_levels = 16, .symmetric = true}).hi;
  EXPECT_NEAR(int8, 4.02, 0.1);
  EXPECT_NEAR(int4, 3.26, 0.1);
  TensorObserver uniform = ObserveAll(Uniform(100000, 10, -1.0f, 1.0f));
  EXPECT_GT(uniform.Compute({.method = RangeMethod::kEntropy, .symmetric = true}).hi, 0.95f);
}

TEST(ObserverTest, NonNegativeDataStartsAtZero) {
  std::vector<float> relu = Normal(50000, 9);
  for (float& x : relu) x = std::max(x, 0.0f);
  relu[100] = 40.0f;  // one outlier
  TensorObserver obs = ObserveAll(relu);
  for (RangeMethod m : kAllMethods) {
    const RangeRequest q{.method = m, .percentile = 99.9};
    const Range r = obs.Compute(q);
    ExpectUsable(r, q);
    EXPECT_EQ(r.lo, 0.0f) << RangeMethodName(m);
    EXPECT_LE(r.hi, 40.0f) << RangeMethodName(m);
  }
  // Entropy on [0, max] with 256 levels clips the outlier (the histogram has up to 2048 bins
  // over the data, 8 per level at 256 levels).
  EXPECT_LT(obs.Compute({.method = RangeMethod::kEntropy}).hi, 20.0f);
  // On 16 levels it clips in the tail, not inside the bulk: the spike of zeros in the first bin
  // does not count (without that, the divergence favours thresholds under 2).
  const Range int4 = obs.Compute({.method = RangeMethod::kEntropy, .num_levels = 16});
  EXPECT_GT(int4.hi, 3.0f);
  EXPECT_LT(int4.hi, 4.5f);
  // All-negative data mirrors it: hi == 0.
  std::vector<float> negative = relu;
  for (float& x : negative) x = -x;
  TensorObserver neg = ObserveAll(negative);
  for (RangeMethod m : kAllMethods) {
    const Range r = neg.Compute({.method = m, .percentile = 99.9});
    const Range mirrored = obs.Compute({.method = m, .percentile = 99.9});
    EXPECT_EQ(r.hi, 0.0f) << RangeMethodName(m);
    EXPECT_NEAR(r.lo, -mirrored.hi, obs.bin_width()) << RangeMethodName(m);
  }
}

TEST(ObserverTest, DegenerateInputsGiveUsableRanges) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<TensorObserver> cases;
  cases.emplace_back();                                                     // nothing
  cases.push_back(ObserveAll(std::vector<float>{nan, nan}));                // only NaN
  cases.push_back(ObserveAll(std::vector<float>(100, 0.0f)));               // all zeros
  cases.push_back(ObserveAll(std::vector<float>(100, 5.0f)));               // constant
  cases.push_back(ObserveAll(std::vector<float>(100, -3.0f)));              // negative constant
  cases.push_back(ObserveAll(std::vector<float>{-4.0f, -2.0f, -1.0f}));     // all negative
  cases.push_back(ObserveAll(std::vector<float>{1e-30f, 2e-30f}));          // tiny
  cases.push_back(ObserveAll(std::vector<float>{3e38f, -3e38f, 1.0f}));     // huge
  cases.push_back(ObserveAll(std::vector<float>{100.0f, 100.5f, 101.0f}));  // far from 0
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(i);
    for (RangeMethod m : kAllMethods) {
      for (bool symmetric : {false, true}) {
        for (int levels : {16, 256}) {
          const RangeRequest q{.method = m, .num_levels = levels, .symmetric = symmetric};
          const Range r = cases[i].Compute(q);
          ExpectUsable(r, q);
          // The range never reaches beyond the data (except to include 0 and the minimum step).
          const float max_abs = std::max(std::fabs(cases[i].min()), std::fabs(cases[i].max()));
          EXPECT_LE(r.hi - r.lo, std::max(2 * max_abs, 1e-4f));
        }
      }
    }
  }
  EXPECT_EQ(cases[1].nonfinite_count(), 2);
  EXPECT_EQ(cases[3].Compute({.method = RangeMethod::kMse}), (Range{0.0f, 5.0f}));
  EXPECT_EQ(cases[4].Compute({.method = RangeMethod::kEntropy}), (Range{-3.0f, 0.0f}));
  EXPECT_EQ(cases[5].Compute({}), (Range{-4.0f, 0.0f}));
}

TEST(ObserverTest, MemoryStaysBounded) {
  TensorObserver obs(1000);
  EXPECT_EQ(obs.num_bins(), 1000);
  std::vector<float> values;
  for (int e = -30; e <= 30; ++e) {
    values.push_back(std::pow(10.0f, static_cast<float>(e)) * (e % 2 ? -1 : 1));
  }
  for (int round = 0; round < 50; ++round) obs.Observe(values);
  EXPECT_EQ(obs.num_bins(), 1000);
  EXPECT_EQ(obs.count(), 50 * 61);
  EXPECT_EQ(obs.view().counts.size(), 1000u);
  // The bins cover [min, max] and are as narrow as that allows (a power of two).
  const double span = static_cast<double>(obs.max()) - obs.min();
  EXPECT_GE(obs.bin_width() * 1000, span);
  EXPECT_LT(obs.bin_width() * 1000 / 2, span + 2 * obs.bin_width());
  EXPECT_EQ(TensorObserver(3).num_bins(), 16);
}

// The closed form behind the MSE search against a midpoint-rule integral.
TEST(ObserverTest, GridErrorIntegralMatchesNumericIntegration) {
  for (const auto& [range, levels, symmetric] :
       {std::tuple{Range{-1.0f, 2.0f}, 16, false}, std::tuple{Range{-3.0f, 3.0f}, 256, true},
        std::tuple{Range{0.0f, 1.0f}, 5, false}}) {
    const QuantGrid g = QuantGrid::Of(range, levels, symmetric);
    EXPECT_NEAR(g.lo, range.lo, 1e-6);
    EXPECT_NEAR(g.hi(), range.hi, 1e-6);
    EXPECT_NEAR(g.Snap(0.0), 0.0, symmetric ? 1e-12 : g.step / 2);
    for (const auto& [a, b] : {std::pair{-4.0, 5.0}, std::pair{0.013, 0.071}, std::pair{-1.5, -1.2},
                               std::pair{1.7, 2.9}}) {
      const int n = 200000;
      double numeric = 0;
      for (int i = 0; i < n; ++i) {
        const double x = a + (b - a) * (i + 0.5) / n;
        numeric += (x - g.Snap(x)) * (x - g.Snap(x)) * (b - a) / n;
      }
      EXPECT_NEAR(g.SquaredErrorIntegral(a, b), numeric, 1e-6 * std::max(1.0, numeric))
          << a << " " << b;
    }
  }
}

}  // namespace
}  // namespace kiln::quant
