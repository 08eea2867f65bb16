#include "passes/quantize/gptq.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace kiln::quant {
namespace {

constexpr int kMaxDampingRetries = 3;

using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

bool AllFinite(std::span<const float> v) {
  return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

// The upper Cholesky factor U of (H + damp * mean(diag H) * I)^-1 = U^T U, or nullopt when
// the damped H or its inverse is not (numerically) positive definite.
std::optional<Eigen::MatrixXd> InverseCholeskyUpper(const Eigen::MatrixXd& h, double damp) {
  Eigen::MatrixXd damped = h;
  damped.diagonal().array() += damp * h.diagonal().mean();
  Eigen::LLT<Eigen::MatrixXd> llt(damped);
  if (llt.info() != Eigen::Success) return std::nullopt;
  const Eigen::MatrixXd inverse = llt.solve(Eigen::MatrixXd::Identity(h.rows(), h.cols()));
  if (!inverse.allFinite()) return std::nullopt;
  Eigen::LLT<Eigen::MatrixXd> llt_inverse(inverse);
  if (llt_inverse.info() != Eigen::Success) return std::nullopt;
  Eigen::MatrixXd u = llt_inverse.matrixU();
  if (!u.allFinite() || (u.diagonal().array() <= 0).any()) return std::nullopt;
  return u;
}

float ToFloat(double v) {
  constexpr double kMax = std::numeric_limits<float>::max();
  return static_cast<float>(std::clamp(v, -kMax, kMax));
}

// FitGroupParams of a group of the double-precision working weights.
template <typename Values>
GroupQuantParams FitGroup(const Values& values, const WeightQuantOptions& options) {
  std::vector<float> group(values.size());
  for (int64_t i = 0; i < values.size(); ++i) group[i] = ToFloat(values(i));
  return FitGroupParams(group, options);
}

// The GPTQ loop over the weights `w` with U = chol(H^-1, upper).
std::vector<int32_t> QuantizeColumns(Eigen::MatrixXd w, const Eigen::MatrixXd& u,
                                     const WeightQuantOptions& options, int64_t column_block,
                                     std::vector<GroupQuantParams>& params) {
  const int64_t n = w.rows(), k = w.cols();
  const int64_t block = options.block_size;
  const int64_t blocks = block == 0 ? 1 : (k + block - 1) / block;
  if (block == 0) {
    for (int64_t r = 0; r < n; ++r) params[r] = FitGroup(w.row(r), options);
  } else {
    column_block = (column_block + block - 1) / block * block;
  }
  std::vector<int32_t> codes(n * k);
  for (int64_t i1 = 0; i1 < k; i1 += column_block) {
    const int64_t count = std::min(column_block, k - i1);
    Eigen::MatrixXd w1 = w.middleCols(i1, count);
    Eigen::MatrixXd err1(n, count);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t c = i1 + i;
      if (block != 0 && c % block == 0) {
        const int64_t width = std::min(block, k - c);  // within this column block
        for (int64_t r = 0; r < n; ++r) {
          params[r * blocks + c / block] = FitGroup(w1.row(r).segment(i, width), options);
        }
      }
      for (int64_t r = 0; r < n; ++r) {
        const GroupQuantParams& p = params[block == 0 ? r : r * blocks + c / block];
        const int32_t q = QuantizeValue(ToFloat(w1(r, i)), p, options);
        codes[r * k + c] = q;
        err1(r, i) = (w1(r, i) - DequantizeValue(q, p)) / u(c, c);
      }
      w1.rightCols(count - i).noalias() -= err1.col(i) * u.row(c).segment(c, count - i);
    }
    const int64_t rest = k - i1 - count;
    if (rest > 0) {
      w.rightCols(rest).noalias() -= err1 * u.block(i1, i1 + count, count, rest);
    }
  }
  return codes;
}

}  // namespace

HessianAccumulator::HessianAccumulator(int64_t k, bool means_only)
    : k_(k),
      means_only_(means_only),
      sum_(means_only ? Eigen::MatrixXd() : Eigen::MatrixXd::Zero(k, k)),
      row_sum_(Eigen::VectorXd::Zero(k)) {}

Status HessianAccumulator::Add(std::span<const float> rows, int64_t num_rows) {
  return AddSamples(rows, num_rows, /*as_columns=*/false);
}

Status HessianAccumulator::AddColumns(std::span<const float> columns, int64_t num_columns) {
  return AddSamples(columns, num_columns, /*as_columns=*/true);
}

Status HessianAccumulator::AddSamples(std::span<const float> values, int64_t count,
                                      bool as_columns) {
  if (count < 0 || static_cast<int64_t>(values.size()) != count * k_) {
    return Status::Error("hessian: " + std::to_string(values.size()) + " values for " +
                         std::to_string(count) + " samples of " + std::to_string(k_));
  }
  if (!AllFinite(values)) return Status::Error("hessian: a calibration value is not finite");
  // xt: [K, count], one sample per column. Lower triangle only; hessian() mirrors it, so H is
  // exactly symmetric.
  Eigen::MatrixXd xt;
  if (as_columns) {
    xt = Eigen::Map<const RowMajorF>(values.data(), k_, count).cast<double>();
  } else {
    xt = Eigen::Map<const RowMajorF>(values.data(), count, k_).cast<double>().transpose();
  }
  if (!means_only_) sum_.selfadjointView<Eigen::Lower>().rankUpdate(xt);
  row_sum_ += xt.rowwise().sum();
  count_ += count;
  return Status::Ok();
}

Eigen::MatrixXd HessianAccumulator::hessian() const {
  if (count_ == 0 || means_only_) return Eigen::MatrixXd::Zero(k_, k_);
  Eigen::MatrixXd h = sum_.selfadjointView<Eigen::Lower>();
  return h * (2.0 / static_cast<double>(count_));
}

Eigen::VectorXd HessianAccumulator::mean() const {
  if (count_ == 0) return Eigen::VectorXd::Zero(k_);
  return row_sum_ / static_cast<double>(count_);
}

Expected<GptqResult> QuantizeWeightGptq(std::span<const float> w, int64_t n, int64_t k,
                                        const Eigen::MatrixXd& hessian,
                                        const WeightQuantOptions& options,
                                        const GptqOptions& gptq) {
  const std::string where =
      "GPTQ of [" + std::to_string(n) + "," + std::to_string(k) + "] weights: ";
  const int64_t shape[] = {n, k};
  Expected<int64_t> num_groups = WeightScaleCount(shape, options);
  if (!num_groups) return num_groups.error();
  const int axis = options.axis < 0 ? options.axis + 2 : options.axis;
  if (axis != (options.block_size == 0 ? 0 : 1)) {
    return Status::Error(where + "per-channel groups need axis 0, per-block groups axis 1; got " +
                         std::to_string(options.axis));
  }
  if (static_cast<int64_t>(w.size()) != n * k || !AllFinite(w)) {
    return Status::Error(where + std::to_string(w.size()) + " values, not all finite or not " +
                         std::to_string(n * k));
  }
  if (hessian.rows() != k || hessian.cols() != k || !hessian.allFinite()) {
    return Status::Error(where + "the hessian is not a finite " + std::to_string(k) + "x" +
                         std::to_string(k) + " matrix");
  }
  if (!(gptq.damp >= 0) || !std::isfinite(gptq.damp) || gptq.column_block <= 0) {
    return Status::Error(where + "damping must be >= 0 and the column block positive");
  }

  GptqResult result;
  if (n == 0 || k == 0) {
    Expected<QuantizedWeight> rtn = QuantizeWeight(w, shape, options);
    if (!rtn) return rtn.error();
    result.weight = std::move(*rtn);
    result.damp = gptq.damp;
    return result;
  }

  Eigen::MatrixXd h = hessian;
  Eigen::MatrixXd weights = Eigen::Map<const RowMajorF>(w.data(), n, k).cast<double>();
  for (int64_t i = 0; i < k; ++i) {
    if (h(i, i) == 0) h(i, i) = 1;  // an input that was zero on every calibration row
  }

  std::optional<Eigen::MatrixXd> u;
  double damp = gptq.damp;
  for (int attempt = 0; attempt <= kMaxDampingRetries; ++attempt) {
    if (attempt > 0) damp = damp > 0 ? damp * 10 : 0.01;
    u = InverseCholeskyUpper(h, damp);
    if (u) break;
  }
  if (!u) {
    Expected<QuantizedWeight> rtn = QuantizeWeight(w, shape, options);
    if (!rtn) return rtn.error();
    result.weight = std::move(*rtn);
    result.fell_back_to_rtn = true;
    return result;
  }

  std::vector<GroupQuantParams> params(*num_groups);
  std::vector<int32_t> codes =
      QuantizeColumns(std::move(weights), *u, options, gptq.column_block, params);
  result.damp = damp;
  result.weight.data = PackCodes(codes, options.bits);
  result.weight.scales.resize(params.size());
  if (!options.symmetric) result.weight.zero_points.resize(params.size());
  for (size_t g = 0; g < params.size(); ++g) {
    result.weight.scales[g] = params[g].scale;
    if (!options.symmetric) result.weight.zero_points[g] = params[g].zero_point;
  }
  return result;
}

}  // namespace kiln::quant
