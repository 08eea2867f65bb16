// A calibration observer for one tensor: it sees the tensor's values batch after batch and then
// says which range [lo, hi] a quantizer should use (passes/quantize/range_search.h). Memory is a
// fixed number of histogram bins however many values stream through, and the result does not
// depend on how the values were split into batches or observers (Merge).
//
// The histogram's bins are powers of two wide and aligned on 0 (bin k holds [k * w, (k + 1) * w)).
// The bin width is the smallest power of two for which num_bins bins cover [min, max] (and at
// least max|x| * 2^-40, so bin indices stay small). When a value falls outside, the width
// doubles as often as needed: every old bin lies inside one new bin, so old counts are re-binned
// exactly and the state is the one observing everything at once would give. Compared with a
// histogram symmetric around 0, non-negative data (after ReLU) gets twice the resolution and
// data away from 0 much more. NaN and infinities are counted apart and otherwise ignored.
//
//   TensorObserver obs;                                   // 2048 bins
//   for (const std::vector<float>& batch : batches) obs.Observe(batch);
//   Range r = obs.Compute({.method = RangeMethod::kMse, .num_levels = 16, .symmetric = true});
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "passes/quantize/range_search.h"

namespace kiln::quant {

class TensorObserver {
 public:
  // num_bins is rounded up to at least 16.
  explicit TensorObserver(int num_bins = 2048);

  void Observe(std::span<const float> values);
  // Adds what `other` observed: the same state as one observer seeing both streams, when both
  // have the same num_bins (otherwise approximate: other's bins are added at their centers).
  void Merge(const TensorObserver& other);

  int64_t count() const { return count_; }  // finite values seen
  int64_t nonfinite_count() const { return nonfinite_; }
  float min() const { return count_ ? min_ : 0.0f; }  // exact; 0 before any finite value
  float max() const { return count_ ? max_ : 0.0f; }

  int num_bins() const { return static_cast<int>(counts_.size()); }
  double bin_width() const;
  HistogramView view() const;

  Range Compute(const RangeRequest& request) const { return SearchRange(view(), request); }

 private:
  // Moves to the bin width and first bin that [lo, hi] needs, re-binning the counts.
  void Cover(float lo, float hi);

  std::vector<int64_t> counts_;
  int64_t first_ = 0;  // bin j holds [(first_ + j) * w, (first_ + j + 1) * w)
  int exponent_ = 0;   // w = 2^exponent_
  int64_t count_ = 0;
  int64_t nonfinite_ = 0;
  float min_ = 0;
  float max_ = 0;
};

}  // namespace kiln::quant
