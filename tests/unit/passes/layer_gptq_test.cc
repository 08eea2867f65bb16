// GPTQ in a weight's stored layout (passes/quantize/layer_gptq.h): a [K, N] weight and a
// grouped conv give exactly the codes GPTQ gives on their [N, K] rows, laid out as
// QuantizeWeight lays them out; and the output SQNR is the trace ratio it claims to be.
#include "passes/quantize/layer_gptq.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace kiln::quant {
namespace {

std::vector<float> Gaussian(int64_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(count);
  for (float& x : v) x = normal(rng);
  return v;
}

// H from `rows` correlated samples of k inputs.
HessianAccumulator Hessian(int64_t k, uint32_t seed) {
  std::vector<float> z = Gaussian(64 * k, seed);
  for (int64_t r = 0; r < 64; ++r) {
    for (int64_t c = 1; c < k; ++c) z[r * k + c] += 0.8f * z[r * k + c - 1];
  }
  HessianAccumulator acc(k);
  EXPECT_TRUE(acc.Add(z, 64).ok());
  return acc;
}

std::vector<float> Dequantize(const QuantizedWeight& q, std::vector<int64_t> shape,
                              const WeightQuantOptions& o) {
  Expected<std::vector<float>> w = DequantizeWeight(q, shape, o);
  EXPECT_TRUE(w) << w.error().message();
  return w ? *w : std::vector<float>();
}

TEST(LayerGptqTest, KByNWeightIsTheTransposeOfGptqOnItsRows) {
  const int64_t k = 64, n = 5;
  const std::vector<float> w = Gaussian(k * n, 1);  // stored [K, N]
  std::vector<float> rows(n * k);                   // [N, K]
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t c = 0; c < k; ++c) rows[r * k + c] = w[c * n + r];
  }
  const HessianAccumulator h = Hessian(k, 2);
  for (int block : {0, 16}) {
    SCOPED_TRACE("block " + std::to_string(block));
    // Stored groups: per channel along axis 1, or blocks along K = axis 0.
    const WeightQuantOptions stored{
        .bits = 4, .axis = block == 0 ? 1 : 0, .block_size = block, .search_scale = true};
    Expected<LayerGptq> got = QuantizeLayerGptq(w, std::vector<int64_t>{k, n},
                                                {.conv = false, .weight_axis = 1}, stored, {&h, 1});
    ASSERT_TRUE(got) << got.error().message();
    const WeightQuantOptions row_groups{
        .bits = 4, .axis = block == 0 ? 0 : 1, .block_size = block, .search_scale = true};
    Expected<GptqResult> want = QuantizeWeightGptq(rows, n, k, h.hessian(), row_groups);
    ASSERT_TRUE(want);
    const std::vector<float> got_w = Dequantize(got->weight, {k, n}, stored);
    const std::vector<float> want_w = Dequantize(want->weight, {n, k}, row_groups);
    ASSERT_EQ(got_w.size(), want_w.size());
    for (int64_t r = 0; r < n; ++r) {
      for (int64_t c = 0; c < k; ++c) ASSERT_EQ(got_w[c * n + r], want_w[r * k + c]) << r << c;
    }
  }
}

TEST(LayerGptqTest, GroupedConvUsesEachGroupsHessian) {
  const int64_t out = 4, per_group = 3, taps = 4, k = per_group * taps;  // w [4, 3, 2, 2]
  const std::vector<float> w = Gaussian(out * k, 3);
  const HessianAccumulator h[] = {Hessian(k, 4), Hessian(k, 5)};
  const WeightQuantOptions o{.bits = 4, .axis = 0, .search_scale = true};
  Expected<LayerGptq> got = QuantizeLayerGptq(w, std::vector<int64_t>{out, per_group, 2, 2},
                                              {.conv = true, .weight_axis = 0}, o, h);
  ASSERT_TRUE(got) << got.error().message();
  const std::vector<float> got_w = Dequantize(got->weight, {out, per_group, 2, 2}, o);
  for (int64_t g = 0; g < 2; ++g) {
    std::vector<float> part(w.begin() + g * 2 * k, w.begin() + (g + 1) * 2 * k);
    Expected<GptqResult> want = QuantizeWeightGptq(part, 2, k, h[g].hessian(), o);
    ASSERT_TRUE(want);
    const std::vector<float> want_w = Dequantize(want->weight, {2, k}, o);
    for (int64_t i = 0; i < 2 * k; ++i) ASSERT_EQ(got_w[g * 2 * k + i], want_w[i]) << g << i;
  }
  // Two Hessians for three output channels do not split into groups.
  EXPECT_FALSE(QuantizeLayerGptq(std::vector<float>(3 * k), std::vector<int64_t>{3, 3, 2, 2},
                                 {.conv = true, .weight_axis = 0}, o, h));
}

TEST(LayerGptqTest, OutputSqnrIsTheTraceRatio) {
  const int64_t n = 3, k = 8;
  const std::vector<float> w = Gaussian(n * k, 6);
  std::vector<float> wq = w;
  for (float& v : wq) v = std::round(v * 4) / 4;
  const HessianAccumulator h = Hessian(k, 7);
  const Eigen::MatrixXd hm = h.hessian();
  double signal = 0, noise = 0;
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t i = 0; i < k; ++i) {
      for (int64_t j = 0; j < k; ++j) {
        signal += w[r * k + i] * hm(i, j) * w[r * k + j];
        noise += (w[r * k + i] - wq[r * k + i]) * hm(i, j) * (w[r * k + j] - wq[r * k + j]);
      }
    }
  }
  const double db = LayerOutputSqnrDb(w, wq, std::vector<int64_t>{n, k},
                                      {.conv = false, .weight_axis = 0}, {&h, 1});
  EXPECT_NEAR(db, 10 * std::log10(signal / noise), 1e-9);
  EXPECT_TRUE(std::isinf(LayerOutputSqnrDb(w, w, std::vector<int64_t>{n, k},
                                           {.conv = false, .weight_axis = 0}, {&h, 1})));
}

}  // namespace
}  // namespace kiln::quant
