#include "passes/quantize/layer_gptq.h"

#include <cmath>
#include <limits>
#include <string>

namespace kiln::quant {
namespace {

using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The stored weight as [N, K] rows (N = all output channels, K = one group's reduction).
struct View {
  int64_t n = 0, k = 0;
  bool transposed = false;  // stored [K, N]
};

Expected<View> ViewOf(std::span<const int64_t> shape, LayerWeightForm form, int64_t groups) {
  View v;
  if (form.conv) {
    if (shape.size() < 3 || form.weight_axis != 0) {
      return Status::Error("layer GPTQ: a conv weight has rank 3 to 5 and output axis 0");
    }
    v.n = shape[0];
    v.k = 1;
    for (size_t i = 1; i < shape.size(); ++i) v.k *= shape[i];
  } else {
    if (shape.size() != 2 || (form.weight_axis != 0 && form.weight_axis != 1)) {
      return Status::Error("layer GPTQ: a matrix weight has rank 2 and output axis 0 or 1");
    }
    v.transposed = form.weight_axis == 1;
    v.n = shape[form.weight_axis];
    v.k = shape[1 - form.weight_axis];
  }
  if (groups < 1 || v.n % groups != 0) {
    return Status::Error("layer GPTQ: " + std::to_string(groups) + " Hessians for " +
                         std::to_string(v.n) + " output channels");
  }
  return v;
}

RowMajorF ToRows(std::span<const float> w, const View& v) {
  if (!v.transposed) return Eigen::Map<const RowMajorF>(w.data(), v.n, v.k);
  return Eigen::Map<const RowMajorF>(w.data(), v.k, v.n).transpose();
}

}  // namespace

Expected<LayerGptq> QuantizeLayerGptq(std::span<const float> w, std::span<const int64_t> shape,
                                      LayerWeightForm form, const WeightQuantOptions& groups,
                                      std::span<const HessianAccumulator> hessians) {
  const auto num_groups = static_cast<int64_t>(hessians.size());
  Expected<View> v = ViewOf(shape, form, num_groups);
  if (!v) return v.error();
  if (static_cast<int64_t>(w.size()) != v->n * v->k) {
    return Status::Error("layer GPTQ: " + std::to_string(w.size()) + " weights for " +
                         std::to_string(v->n) + " x " + std::to_string(v->k));
  }
  const bool per_block = groups.block_size > 0;
  WeightQuantOptions rows_groups = groups;
  rows_groups.axis = per_block ? 1 : 0;
  const RowMajorF rows = ToRows(w, *v);
  const int64_t rows_per_group = v->n / num_groups;

  LayerGptq result;
  std::vector<int32_t> codes;  // [N, K]
  std::vector<float> scales;   // [N] or [N, blocks]
  codes.reserve(v->n * v->k);
  for (int64_t g = 0; g < num_groups; ++g) {
    if (hessians[g].k() != v->k) {
      return Status::Error("layer GPTQ: a Hessian over " + std::to_string(hessians[g].k()) +
                           " inputs for rows of " + std::to_string(v->k));
    }
    const RowMajorF part = rows.middleRows(g * rows_per_group, rows_per_group);
    Expected<GptqResult> r =
        QuantizeWeightGptq(std::span<const float>(part.data(), part.size()), rows_per_group, v->k,
                           hessians[g].hessian(), rows_groups);
    if (!r) return r.error();
    result.fell_back_to_rtn |= r->fell_back_to_rtn;
    std::vector<int32_t> part_codes = UnpackCodes(r->weight.data, part.size(), rows_groups);
    codes.insert(codes.end(), part_codes.begin(), part_codes.end());
    scales.insert(scales.end(), r->weight.scales.begin(), r->weight.scales.end());
  }
  if (v->transposed) {
    std::vector<int32_t> stored(codes.size());
    for (int64_t r = 0; r < v->n; ++r) {
      for (int64_t c = 0; c < v->k; ++c) stored[c * v->n + r] = codes[r * v->k + c];
    }
    codes = std::move(stored);
    if (per_block) {  // [N, blocks] -> [blocks, N]
      const int64_t blocks = static_cast<int64_t>(scales.size()) / v->n;
      std::vector<float> stored_scales(scales.size());
      for (int64_t r = 0; r < v->n; ++r) {
        for (int64_t b = 0; b < blocks; ++b) stored_scales[b * v->n + r] = scales[r * blocks + b];
      }
      scales = std::move(stored_scales);
    }
  }
  result.weight.data = PackCodes(codes, groups.bits);
  result.weight.scales = std::move(scales);
  return result;
}

double LayerOutputSqnrDb(std::span<const float> w, std::span<const float> wq,
                         std::span<const int64_t> shape, LayerWeightForm form,
                         std::span<const HessianAccumulator> hessians) {
  const auto num_groups = static_cast<int64_t>(hessians.size());
  Expected<View> v = ViewOf(shape, form, num_groups);
  if (!v || w.size() != wq.size() || static_cast<int64_t>(w.size()) != v->n * v->k) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const Eigen::MatrixXd rows = ToRows(w, *v).cast<double>();
  const Eigen::MatrixXd error = rows - ToRows(wq, *v).cast<double>();
  const int64_t rows_per_group = v->n / num_groups;
  double signal = 0, noise = 0;
  for (int64_t g = 0; g < num_groups; ++g) {
    const Eigen::MatrixXd h = hessians[g].hessian();
    const auto wg = rows.middleRows(g * rows_per_group, rows_per_group);
    const auto eg = error.middleRows(g * rows_per_group, rows_per_group);
    signal += (wg * h).cwiseProduct(wg).sum();
    noise += (eg * h).cwiseProduct(eg).sum();
  }
  if (noise <= 0) return std::numeric_limits<double>::infinity();
  return 10 * std::log10(signal / noise);
}

std::vector<double> LayerBiasShift(std::span<const float> w, std::span<const float> wq,
                                   std::span<const int64_t> shape, LayerWeightForm form,
                                   std::span<const HessianAccumulator> hessians) {
  const auto num_groups = static_cast<int64_t>(hessians.size());
  Expected<View> v = ViewOf(shape, form, num_groups);
  if (!v || w.size() != wq.size() || static_cast<int64_t>(w.size()) != v->n * v->k) return {};
  const Eigen::MatrixXd error = ToRows(w, *v).cast<double>() - ToRows(wq, *v).cast<double>();
  const int64_t rows_per_group = v->n / num_groups;
  std::vector<double> shift(static_cast<size_t>(v->n));
  for (int64_t g = 0; g < num_groups; ++g) {
    if (hessians[g].k() != v->k) return {};
    const Eigen::VectorXd s =
        error.middleRows(g * rows_per_group, rows_per_group) * hessians[g].mean();
    for (int64_t r = 0; r < rows_per_group; ++r) shift[g * rows_per_group + r] = s(r);
  }
  return shift;
}

}  // namespace kiln::quant
