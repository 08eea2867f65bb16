// Streaming comparison of a quantized tensor against its float reference: signal-to-
// quantization-noise ratio (SQNR, dB) and cosine similarity, accumulated over any number of
// batches in O(1) memory; and top-1 agreement for classifier outputs.
//
//   ErrorStats e;
//   e.Add(reference, quantized);        // f32 spans of equal length, any number of times
//   e.sqnr_db();  e.cosine();
#pragma once

#include <cstdint>
#include <span>

namespace kiln::quant {

class ErrorStats {
 public:
  void Add(std::span<const float> reference, std::span<const float> test);
  void Merge(const ErrorStats& other);
  int64_t count() const { return count_; }
  // 10 log10(sum ref^2 / sum (ref - test)^2); +inf when exact, 0 with no values.
  double sqnr_db() const;
  // <ref, test> / (|ref| |test|); 1 when both are zero, 0 with no values.
  double cosine() const;
  double max_abs_error() const { return max_abs_error_; }

 private:
  double ref2_ = 0, test2_ = 0, dot_ = 0, err2_ = 0, max_abs_error_ = 0;
  int64_t count_ = 0;
};

// Top-1 agreement of two [rows, classes] score tensors (row-major): rows whose arg-max (first
// on ties) agree.
class TopOneAgreement {
 public:
  void Add(std::span<const float> reference, std::span<const float> test, int64_t classes);
  int64_t rows() const { return rows_; }
  int64_t agreed() const { return agreed_; }
  double rate() const { return rows_ == 0 ? 1.0 : static_cast<double>(agreed_) / rows_; }

 private:
  int64_t rows_ = 0, agreed_ = 0;
};

}  // namespace kiln::quant
