#include "passes/quantize/observer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace kiln::quant {
namespace {

constexpr int kMinBins = 16;
// The narrowest bin is the smallest float denormal, and no bin is narrower than
// max|x| * 2^-kMaxIndexBits: indices (x / width) then fit an int64 with room to spare.
constexpr int kMinExponent = -149;
constexpr int kMaxIndexBits = 40;

// floor(x / 2^exponent), exact: scaling by a power of two does not round.
int64_t BinIndex(double x, int exponent) {
  return static_cast<int64_t>(std::floor(std::ldexp(x, -exponent)));
}

// The index at a width 2^shift times larger: floor(k / 2^shift).
int64_t CoarsenIndex(int64_t k, int shift) {
  if (shift >= 63) return k < 0 ? -1 : 0;
  return k >> shift;  // arithmetic shift, a floor for negative k too (C++20)
}

// The smallest exponent whose bins cover [lo, hi] with `bins` bins. It only grows as [lo, hi]
// widens, so the exponent after any sequence of batches is the one for the final [min, max].
int RequiredExponent(double lo, double hi, int64_t bins) {
  int e = kMinExponent;
  const double max_abs = std::max(std::fabs(lo), std::fabs(hi));
  if (max_abs > 0) e = std::max(e, std::ilogb(max_abs) - kMaxIndexBits);
  // Any width of at most (hi - lo) / (bins + 1) needs more than `bins` bins: start there.
  const double span = hi - lo;
  if (span > 0) e = std::max(e, std::ilogb(span / static_cast<double>(bins + 1)));
  while (BinIndex(hi, e) - BinIndex(lo, e) >= bins) ++e;
  return e;
}

}  // namespace

TensorObserver::TensorObserver(int num_bins) : counts_(std::max(num_bins, kMinBins), 0) {}

double TensorObserver::bin_width() const { return std::ldexp(1.0, exponent_); }

HistogramView TensorObserver::view() const {
  return {.counts = counts_,
          .first = first_,
          .width = bin_width(),
          .min = min(),
          .max = max(),
          .count = count_};
}

void TensorObserver::Cover(float lo, float hi) {
  const int64_t bins = num_bins();
  const int exponent = RequiredExponent(lo, hi, bins);
  const int64_t first = BinIndex(lo, exponent);
  if (exponent == exponent_ && first == first_) return;
  std::vector<int64_t> counts(counts_.size(), 0);
  if (count_ > 0) {
    // Every non-empty old bin holds a value of [lo, hi], so its coarser bin is in the window.
    const int shift = exponent - exponent_;
    for (int64_t j = 0; j < bins; ++j) {
      if (counts_[j] != 0) counts[CoarsenIndex(first_ + j, shift) - first] += counts_[j];
    }
  }
  counts_ = std::move(counts);
  exponent_ = exponent;
  first_ = first;
}

void TensorObserver::Observe(std::span<const float> values) {
  float lo = std::numeric_limits<float>::infinity();
  float hi = -lo;
  int64_t finite = 0;
  for (float v : values) {
    if (!std::isfinite(v)) {
      ++nonfinite_;
      continue;
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    ++finite;
  }
  if (finite == 0) return;
  if (count_ > 0) {
    lo = std::min(lo, min_);
    hi = std::max(hi, max_);
  }
  Cover(lo, hi);
  min_ = lo;
  max_ = hi;
  count_ += finite;
  for (float v : values) {
    if (std::isfinite(v)) ++counts_[BinIndex(v, exponent_) - first_];
  }
}

void TensorObserver::Merge(const TensorObserver& other) {
  if (&other == this) {  // the same stream twice
    for (int64_t& c : counts_) c *= 2;
    count_ *= 2;
    nonfinite_ *= 2;
    return;
  }
  nonfinite_ += other.nonfinite_;
  if (other.count_ == 0) return;
  const float lo = count_ > 0 ? std::min(min_, other.min_) : other.min_;
  const float hi = count_ > 0 ? std::max(max_, other.max_) : other.max_;
  Cover(lo, hi);
  min_ = lo;
  max_ = hi;
  count_ += other.count_;
  const bool same_bins = other.num_bins() == num_bins();
  for (int64_t j = 0; j < other.num_bins(); ++j) {
    const int64_t c = other.counts_[j];
    if (c == 0) continue;
    const int64_t k = other.first_ + j;
    if (same_bins) {
      // Same bin count: our width is at least the other's (it covers a wider range), so each
      // of its bins lies inside one of ours.
      counts_[CoarsenIndex(k, exponent_ - other.exponent_) - first_] += c;
    } else {
      // Approximate: the bin's values are placed at its center (kept inside its [min, max]).
      const double center =
          std::clamp(std::ldexp(static_cast<double>(k) + 0.5, other.exponent_),
                     static_cast<double>(other.min_), static_cast<double>(other.max_));
      counts_[BinIndex(center, exponent_) - first_] += c;
    }
  }
}

}  // namespace kiln::quant
