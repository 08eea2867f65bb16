// GPTQ (Frantar et al. 2022, "GPTQ: Accurate Post-Training Quantization for Generative
// Pre-trained Transformers"): error-compensating rounding of a layer's weights. Rounding one
// input column of W [N, K] changes the layer's output X W^T; GPTQ spreads that error over the
// not yet quantized columns, weighted by the inverse Hessian H^-1 of the layer's reconstruction
// loss (H = 2/n * sum x x^T over calibration inputs x), so the output error ||X W^T - X Wq^T||
// stays small where round-to-nearest lets errors of correlated inputs add up.
//
// Groups and scales are those of QuantizeWeight on the [N, K] view: per output row (axis 0), or
// per block of block_size along K (axis 1). Per-row scales come from the weights before any
// update; a block's scale is chosen when the algorithm enters the block, from the
// error-updated weights (GPTQ's group-wise variant); both by FitGroupParams, so `search_scale`
// applies. An input that was zero on every calibration row (H_ii = 0) gets H_ii = 1: its
// weights are rounded to nearest and pass no error on, and they stay (the paper zeroes them, but
// an input never seen on a small calibration set may well be live on real data). If H is not
// positive definite even after damping, the result is round-to-nearest and says so.
//
//   HessianAccumulator acc(k);
//   for (const Batch& b : calibration) acc.Add(b.rows, b.num_rows);   // rows: [num_rows, K]
//   Expected<GptqResult> r = QuantizeWeightGptq(w, n, k, acc.hessian(), {.bits = 4}, {});
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <span>

#include "ir/status.h"
#include "passes/quantize/weight_quant.h"

namespace kiln::quant {

// Accumulates H = 2/n * sum x x^T over calibration rows of a layer's input (K features), in
// double. For a conv the rows are its im2col patches, for a linear layer its input rows.
class HessianAccumulator {
 public:
  // `means_only`: keeps the mean (K values) and not H, for bias correction alone.
  explicit HessianAccumulator(int64_t k, bool means_only = false);

  // rows: [num_rows, K] row-major. Fails (and adds nothing) on a size mismatch or a
  // non-finite value.
  Status Add(std::span<const float> rows, int64_t num_rows);
  // The same for samples stored as columns: [K, num_columns] row-major (an im2col matrix).
  Status AddColumns(std::span<const float> columns, int64_t num_columns);

  int64_t k() const { return k_; }
  int64_t count() const { return count_; }
  // The average 2/n * X^T X; zeros before any row (and always with means_only).
  Eigen::MatrixXd hessian() const;
  // The mean sample (K values); zeros before any row. Bias correction uses it.
  Eigen::VectorXd mean() const;

 private:
  Status AddSamples(std::span<const float> values, int64_t count, bool as_columns);

  int64_t k_;
  bool means_only_ = false;
  int64_t count_ = 0;
  Eigen::MatrixXd sum_;      // X^T X
  Eigen::VectorXd row_sum_;  // X^T 1
};

struct GptqOptions {
  // Added to H's diagonal, relative to the mean of the diagonal. If H + damp is not positive
  // definite, damping grows x10 (from 0.01 when 0) up to three times before giving up.
  double damp = 0.01;
  // Columns updated together before the rest of W sees their error (the paper's lazy batch
  // updates; the result depends on it only through rounding). Rounded up to a multiple of
  // block_size so that no quantization block straddles two column blocks.
  int64_t column_block = 128;
};

struct GptqResult {
  QuantizedWeight weight;  // QuantizeWeight's layout for shape [N, K]
  // Damping failed to make H positive definite: `weight` is round-to-nearest.
  bool fell_back_to_rtn = false;
  double damp = 0;  // the relative damping used (0 on fallback)
};

// w: [N, K] row-major (N outputs, K inputs; reshape a conv weight [O, I, kh, kw] to
// [O, I*kh*kw], transpose a linear weight stored [K, N]). hessian: K x K, symmetric, finite.
// Per-channel options need axis 0, per-block ones axis 1. Deterministic.
Expected<GptqResult> QuantizeWeightGptq(std::span<const float> w, int64_t n, int64_t k,
                                        const Eigen::MatrixXd& hessian,
                                        const WeightQuantOptions& options,
                                        const GptqOptions& gptq = {});

}  // namespace kiln::quant
