#include "passes/quantize/gptq.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace kiln::quant {
namespace {

using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// A linear layer y = x W^T with W [n, k] and m calibration rows X [m, k] = Z A: Gaussian Z
// mixed by a random A, so the inputs are correlated and H is far from diagonal.
struct Layer {
  int64_t n, k, m;
  std::vector<float> w, x;
};

Layer RandomLayer(int64_t n, int64_t k, int64_t m, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Layer l{n, k, m, std::vector<float>(n * k), std::vector<float>(m * k)};
  for (float& v : l.w) v = normal(gen);
  RowMajorF z(m, k), a(k, k);
  for (int64_t i = 0; i < z.size(); ++i) z.data()[i] = normal(gen);
  for (int64_t i = 0; i < a.size(); ++i) a.data()[i] = normal(gen);
  Eigen::Map<RowMajorF>(l.x.data(), m, k) = z * a;
  return l;
}

Eigen::MatrixXd HessianOf(const Layer& l) {
  HessianAccumulator acc(l.k);
  EXPECT_TRUE(acc.Add(l.x, l.m).ok());
  return acc.hessian();
}

// ||X W^T - X Wq^T||_F^2.
double OutputError(const Layer& l, const std::vector<float>& wq) {
  Eigen::MatrixXd x = Eigen::Map<const RowMajorF>(l.x.data(), l.m, l.k).cast<double>();
  Eigen::MatrixXd w = Eigen::Map<const RowMajorF>(l.w.data(), l.n, l.k).cast<double>();
  Eigen::MatrixXd q = Eigen::Map<const RowMajorF>(wq.data(), l.n, l.k).cast<double>();
  return (x * (w - q).transpose()).squaredNorm();
}

std::vector<float> Dequantized(const QuantizedWeight& q, const Layer& l,
                               const WeightQuantOptions& o) {
  Expected<std::vector<float>> w = DequantizeWeight(q, std::vector<int64_t>{l.n, l.k}, o);
  EXPECT_TRUE(w) << w.error().message();
  return w ? *w : std::vector<float>(l.n * l.k);
}

std::vector<float> RoundToNearest(const Layer& l, const WeightQuantOptions& o) {
  Expected<QuantizedWeight> q = QuantizeWeight(l.w, std::vector<int64_t>{l.n, l.k}, o);
  EXPECT_TRUE(q);
  return Dequantized(*q, l, o);
}

GptqResult Gptq(const Layer& l, const Eigen::MatrixXd& h, const WeightQuantOptions& o,
                const GptqOptions& g = {}) {
  Expected<GptqResult> r = QuantizeWeightGptq(l.w, l.n, l.k, h, o, g);
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : GptqResult{};
}

const WeightQuantOptions kPerChannel4{.bits = 4, .axis = 0};
const WeightQuantOptions kPerBlock4{.bits = 4, .axis = 1, .block_size = 32};

TEST(HessianAccumulatorTest, AveragesTwiceTheGramMatrix) {
  Layer l = RandomLayer(1, 5, 7, 1);
  HessianAccumulator acc(5);
  ASSERT_TRUE(acc.Add(std::span<const float>(l.x).first(3 * 5), 3).ok());
  ASSERT_TRUE(acc.Add(std::span<const float>(l.x).subspan(3 * 5), 4).ok());
  EXPECT_EQ(acc.count(), 7);
  Eigen::MatrixXd x = Eigen::Map<const RowMajorF>(l.x.data(), 7, 5).cast<double>();
  Eigen::MatrixXd expected = 2.0 / 7 * x.transpose() * x;
  Eigen::MatrixXd h = acc.hessian();
  EXPECT_LT((h - expected).cwiseAbs().maxCoeff(), 1e-12 * expected.cwiseAbs().maxCoeff());
  EXPECT_EQ(h, h.transpose());  // exactly symmetric
  EXPECT_EQ(HessianAccumulator(3).hessian(), Eigen::MatrixXd::Zero(3, 3));
  // The mean sample; a means-only accumulator keeps the same mean and no H. Columns (im2col
  // order) give the same sums.
  const Eigen::VectorXd mean = x.colwise().mean().transpose();
  EXPECT_LT((acc.mean() - mean).cwiseAbs().maxCoeff(), 1e-12);
  HessianAccumulator means(5, /*means_only=*/true);
  std::vector<float> columns(7 * 5);  // [5, 7]
  for (int r = 0; r < 7; ++r) {
    for (int c = 0; c < 5; ++c) columns[c * 7 + r] = l.x[r * 5 + c];
  }
  ASSERT_TRUE(means.AddColumns(columns, 7).ok());
  EXPECT_LT((means.mean() - mean).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_EQ(means.hessian(), Eigen::MatrixXd::Zero(5, 5));
}

TEST(HessianAccumulatorTest, RejectsMismatchedOrNonFiniteRows) {
  HessianAccumulator acc(4);
  EXPECT_FALSE(acc.Add(std::vector<float>(7), 2).ok());
  EXPECT_FALSE(acc.Add(std::vector<float>{1, 2, 3, NAN}, 1).ok());
  EXPECT_EQ(acc.count(), 0);
}

// Measured with this seed, GPTQ / RTN output error at 4 bits: 0.505 per channel, 0.489 per
// block of 32 (8 bits: 0.473 and 0.467). The bound leaves room for other seeds.
TEST(GptqTest, BeatsRoundToNearestOnCorrelatedInputs) {
  Layer l = RandomLayer(32, 80, 512, 7);  // 80 = 32 + 32 + 16: a partial last block
  Eigen::MatrixXd h = HessianOf(l);
  for (const WeightQuantOptions& o : {kPerChannel4, kPerBlock4}) {
    SCOPED_TRACE("block " + std::to_string(o.block_size));
    GptqResult r = Gptq(l, h, o);
    EXPECT_FALSE(r.fell_back_to_rtn);
    const double rtn = OutputError(l, RoundToNearest(l, o));
    const double gptq = OutputError(l, Dequantized(r.weight, l, o));
    EXPECT_LT(gptq, 0.7 * rtn) << "GPTQ / RTN = " << gptq / rtn;
  }
}

TEST(GptqTest, IdentityHessianEqualsRoundToNearest) {
  Layer l = RandomLayer(8, 70, 1, 3);
  const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(70, 70);
  for (int bits : {8, 4}) {
    for (bool symmetric : {true, false}) {
      for (int block : {0, 32}) {
        WeightQuantOptions o{
            .bits = bits, .axis = block == 0 ? 0 : 1, .block_size = block, .symmetric = symmetric};
        SCOPED_TRACE(std::to_string(bits) + " bits, block " + std::to_string(block) +
                     (symmetric ? "" : ", asymmetric"));
        Expected<QuantizedWeight> rtn = QuantizeWeight(l.w, std::vector<int64_t>{8, 70}, o);
        ASSERT_TRUE(rtn);
        GptqResult r = Gptq(l, identity, o, {.column_block = 16});
        EXPECT_EQ(r.weight.data, rtn->data);
        EXPECT_EQ(r.weight.scales, rtn->scales);
        EXPECT_EQ(r.weight.zero_points, rtn->zero_points);
      }
    }
  }
}

// A block's scale comes from the weights as updated by the errors of the columns before it:
// the first block sees none yet (RTN's scales), later blocks see them.
TEST(GptqTest, BlockScalesComeFromUpdatedWeights) {
  Layer l = RandomLayer(16, 96, 256, 31);
  GptqResult r = Gptq(l, HessianOf(l), kPerBlock4);
  Expected<QuantizedWeight> rtn = QuantizeWeight(l.w, std::vector<int64_t>{16, 96}, kPerBlock4);
  ASSERT_TRUE(rtn);
  int later_differ = 0;
  for (int64_t row = 0; row < 16; ++row) {
    EXPECT_EQ(r.weight.scales[row * 3], rtn->scales[row * 3]);
    for (int64_t b = 1; b < 3; ++b)
      later_differ += r.weight.scales[row * 3 + b] != rtn->scales[row * 3 + b];
  }
  EXPECT_GT(later_differ, 16);  // of 32
}

// An input that was zero on every calibration row may not be zero on other data: its weights
// stay, rounded to nearest on their group's grid, and take no error from
// other columns.
TEST(GptqTest, DeadInputsKeepTheirWeightsRoundedToNearest) {
  Layer l = RandomLayer(16, 64, 256, 11);
  for (int64_t row = 0; row < l.m; ++row) {
    l.x[row * l.k + 5] = 0;
    l.x[row * l.k + 40] = 0;
  }
  Eigen::MatrixXd h = HessianOf(l);
  ASSERT_EQ(h(5, 5), 0.0);
  for (const WeightQuantOptions& o : {kPerChannel4, kPerBlock4}) {
    SCOPED_TRACE("block " + std::to_string(o.block_size));
    GptqResult r = Gptq(l, h, o);
    EXPECT_FALSE(r.fell_back_to_rtn);
    std::vector<float> q = Dequantized(r.weight, l, o);
    for (int64_t row = 0; row < l.n; ++row) {
      for (int64_t col : {5, 40}) {
        const float scale = o.block_size == 0 ? r.weight.scales[row]
                                              : r.weight.scales[row * 2 + col / o.block_size];
        const GroupQuantParams grid{.scale = scale};
        EXPECT_EQ(q[row * l.k + col],
                  DequantizeValue(QuantizeValue(l.w[row * l.k + col], grid, o), grid))
            << row;
      }
    }
    EXPECT_LT(OutputError(l, q), OutputError(l, RoundToNearest(l, o)));
  }
}

TEST(GptqTest, CodesStayInRange) {
  Layer l = RandomLayer(16, 64, 256, 5);
  for (int64_t i = 0; i < 16; ++i) l.w[i * 64 + i] = 30.0f;  // outliers push errors around
  Eigen::MatrixXd h = HessianOf(l);
  for (int bits : {8, 4}) {
    for (bool symmetric : {true, false}) {
      for (int block : {0, 32}) {
        WeightQuantOptions o{
            .bits = bits, .axis = block == 0 ? 0 : 1, .block_size = block, .symmetric = symmetric};
        GptqResult r = Gptq(l, h, o);
        for (int32_t c : UnpackCodes(r.weight.data, l.n * l.k, o)) {
          ASSERT_GE(c, QuantMin(o));
          ASSERT_LE(c, QuantMax(o));
        }
      }
    }
  }
}

TEST(GptqTest, ColumnBlockOnlyChangesRounding) {
  Layer l = RandomLayer(16, 96, 256, 13);
  Eigen::MatrixXd h = HessianOf(l);
  for (const WeightQuantOptions& o : {kPerChannel4, kPerBlock4}) {
    GptqResult wide = Gptq(l, h, o, {.column_block = 128});
    GptqResult narrow = Gptq(l, h, o, {.column_block = 8});  // 32 for the blocked options
    const double a = OutputError(l, Dequantized(wide.weight, l, o));
    const double b = OutputError(l, Dequantized(narrow.weight, l, o));
    EXPECT_NEAR(a, b, 1e-3 * a);
  }
}

TEST(GptqTest, IsDeterministic) {
  Layer l = RandomLayer(8, 64, 128, 17);
  Eigen::MatrixXd h = HessianOf(l);
  GptqResult a = Gptq(l, h, kPerBlock4);
  GptqResult b = Gptq(l, h, kPerBlock4);
  EXPECT_EQ(a.weight.data, b.weight.data);
  EXPECT_EQ(a.weight.scales, b.weight.scales);
}

TEST(GptqTest, DampingRescuesASingularHessian) {
  Layer l = RandomLayer(8, 32, 16, 19);  // 16 rows: H has rank 16 < 32
  Eigen::MatrixXd h = HessianOf(l);
  GptqResult r = Gptq(l, h, kPerChannel4, {.damp = 0.01});
  EXPECT_FALSE(r.fell_back_to_rtn);
  EXPECT_EQ(r.damp, 0.01);
  EXPECT_LT(OutputError(l, Dequantized(r.weight, l, kPerChannel4)),
            OutputError(l, RoundToNearest(l, kPerChannel4)));
}

TEST(GptqTest, FallsBackToRoundToNearestWhenNotPositiveDefinite) {
  Layer l = RandomLayer(4, 16, 1, 23);
  const Eigen::MatrixXd negative = -Eigen::MatrixXd::Identity(16, 16);
  GptqResult r = Gptq(l, negative, kPerBlock4);
  EXPECT_TRUE(r.fell_back_to_rtn);
  Expected<QuantizedWeight> rtn = QuantizeWeight(l.w, std::vector<int64_t>{4, 16}, kPerBlock4);
  ASSERT_TRUE(rtn);
  EXPECT_EQ(r.weight.data, rtn->data);
  EXPECT_EQ(r.weight.scales, rtn->scales);
}

TEST(GptqTest, RejectsBadInput) {
  Layer l = RandomLayer(4, 16, 32, 29);
  Eigen::MatrixXd h = HessianOf(l);
  EXPECT_FALSE(QuantizeWeightGptq(l.w, 4, 16, Eigen::MatrixXd::Identity(15, 15), {}, {}));
  EXPECT_FALSE(QuantizeWeightGptq(l.w, 4, 15, h, {}, {}));
  EXPECT_FALSE(QuantizeWeightGptq(l.w, 4, 16, h, {.axis = 1}, {}));  // per channel, axis 1
  EXPECT_FALSE(QuantizeWeightGptq(l.w, 4, 16, h, {.axis = 0, .block_size = 8}, {}));
  EXPECT_FALSE(QuantizeWeightGptq(l.w, 4, 16, h, {.bits = 2}, {}));
  EXPECT_FALSE(QuantizeWeightGptq(l.w, 4, 16, h, {}, {.damp = -1}));
  Eigen::MatrixXd nan = h;
  nan(1, 2) = NAN;
  EXPECT_FALSE(QuantizeWeightGptq(l.w, 4, 16, nan, {}, {}));
}

}  // namespace
}  // namespace kiln::quant
