#include "passes/quantize/error_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kiln::quant {

void ErrorStats::Add(std::span<const float> reference, std::span<const float> test) {
  const size_t n = std::min(reference.size(), test.size());
  for (size_t i = 0; i < n; ++i) {
    const double r = reference[i], t = test[i];
    if (!std::isfinite(r) || !std::isfinite(t)) continue;
    ref2_ += r * r;
    test2_ += t * t;
    dot_ += r * t;
    err2_ += (r - t) * (r - t);
    max_abs_error_ = std::max(max_abs_error_, std::abs(r - t));
    ++count_;
  }
}

void ErrorStats::Merge(const ErrorStats& o) {
  ref2_ += o.ref2_;
  test2_ += o.test2_;
  dot_ += o.dot_;
  err2_ += o.err2_;
  max_abs_error_ = std::max(max_abs_error_, o.max_abs_error_);
  count_ += o.count_;
}

double ErrorStats::sqnr_db() const {
  if (count_ == 0) return 0.0;
  if (err2_ == 0.0) return std::numeric_limits<double>::infinity();
  if (ref2_ == 0.0) return -std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(ref2_ / err2_);
}

double ErrorStats::cosine() const {
  if (count_ == 0) return 0.0;
  if (ref2_ == 0.0 && test2_ == 0.0) return 1.0;
  if (ref2_ == 0.0 || test2_ == 0.0) return 0.0;
  return dot_ / std::sqrt(ref2_ * test2_);
}

void TopOneAgreement::Add(std::span<const float> reference, std::span<const float> test,
                          int64_t classes) {
  if (classes <= 0) return;
  const size_t n = std::min(reference.size(), test.size()) / static_cast<size_t>(classes);
  for (size_t row = 0; row < n; ++row) {
    const auto r = reference.subspan(row * classes, classes);
    const auto t = test.subspan(row * classes, classes);
    const auto r_best = std::max_element(r.begin(), r.end()) - r.begin();
    const auto t_best = std::max_element(t.begin(), t.end()) - t.begin();
    agreed_ += r_best == t_best ? 1 : 0;
    ++rows_;
  }
}

}  // namespace kiln::quant
