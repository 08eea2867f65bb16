#include "passes/quantize/weight_quant.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "ir/shape.h"
#include "runtime/reference/kernels/quantize.h"

namespace kiln::quant {
namespace {

std::vector<float> RandomWeights(int64_t count, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> w(count);
  for (float& v : w) v = normal(gen);
  return w;
}

std::string Describe(const WeightQuantOptions& o) {
  return std::to_string(o.bits) + " bits, axis " + std::to_string(o.axis) + ", block " +
         std::to_string(o.block_size) + (o.symmetric ? ", symmetric" : ", asymmetric");
}

// Every option combination the tests sweep, for a 2-d weight: per channel on axis 0, per
// block of 32 along axis 1.
std::vector<WeightQuantOptions> AllOptions() {
  std::vector<WeightQuantOptions> all;
  for (int bits : {8, 4}) {
    for (bool symmetric : {true, false}) {
      all.push_back({.bits = bits, .axis = 0, .block_size = 0, .symmetric = symmetric});
      all.push_back({.bits = bits, .axis = 1, .block_size = 32, .symmetric = symmetric});
    }
  }
  return all;
}

// The group of element (r, c) of a [rows, cols] weight, computed independently of the code.
int64_t GroupOf(int64_t r, int64_t c, int64_t cols, const WeightQuantOptions& o) {
  if (o.block_size == 0) return r;
  return r * ((cols + o.block_size - 1) / o.block_size) + c / o.block_size;
}

TEST(WeightQuantTest, RoundTripErrorIsAtMostHalfAScale) {
  const int64_t rows = 6, cols = 70;  // 70 = 32 + 32 + 6: a partial last block
  const std::vector<int64_t> shape = {rows, cols};
  std::vector<float> w = RandomWeights(rows * cols, 1);
  for (const WeightQuantOptions& o : AllOptions()) {
    SCOPED_TRACE(Describe(o));
    Expected<QuantizedWeight> q = QuantizeWeight(w, shape, o);
    ASSERT_TRUE(q) << q.error().message();
    Expected<std::vector<float>> back = DequantizeWeight(*q, shape, o);
    ASSERT_TRUE(back) << back.error().message();
    std::vector<int32_t> codes = UnpackCodes(q->data, rows * cols, o);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = 0; c < cols; ++c) {
        const int64_t i = r * cols + c;
        const float scale = q->scales[GroupOf(r, c, cols, o)];
        EXPECT_LE(std::fabs(w[i] - (*back)[i]), scale * 0.5f * (1 + 1e-5f)) << r << "," << c;
        EXPECT_GE(codes[i], QuantMin(o));
        EXPECT_LE(codes[i], QuantMax(o));
      }
    }
  }
}

TEST(WeightQuantTest, SymmetricScaleIsMaxAbsOverQmax) {
  const std::vector<int64_t> shape = {2, 3};
  const std::vector<float> w = {0.5f, -1.27f, 0.3f, 0.7f, 0.0f, -0.07f};
  Expected<QuantizedWeight> q8 = QuantizeWeight(w, shape, {.bits = 8});
  ASSERT_TRUE(q8);
  EXPECT_EQ(q8->scales, (std::vector<float>{1.27f / 127, 0.7f / 127}));
  EXPECT_TRUE(q8->zero_points.empty());
  EXPECT_EQ(UnpackCodes(q8->data, 6, {.bits = 8}),
            (std::vector<int32_t>{50, -127, 30, 127, 0, -13}));
  Expected<QuantizedWeight> q4 = QuantizeWeight(w, shape, {.bits = 4});
  ASSERT_TRUE(q4);
  EXPECT_EQ(q4->scales, (std::vector<float>{1.27f / 7, 0.7f / 7}));
  EXPECT_EQ(UnpackCodes(q4->data, 6, {.bits = 4}), (std::vector<int32_t>{3, -7, 2, 7, 0, -1}));
}

// The searched scale never rounds a group worse than max|w| / qmax, and for Gaussian weights at
// 4 bits it rounds them better (it clips the few large ones).
TEST(WeightQuantTest, SearchedScalesHaveLessSquaredError) {
  const std::vector<int64_t> shape = {64, 128};
  const std::vector<float> w = RandomWeights(64 * 128, 11);
  auto group_errors = [&](const WeightQuantOptions& o) {
    Expected<QuantizedWeight> q = QuantizeWeight(w, shape, o);
    EXPECT_TRUE(q);
    Expected<std::vector<float>> back = DequantizeWeight(*q, shape, o);
    EXPECT_TRUE(back);
    std::vector<double> e(64, 0.0);
    for (size_t i = 0; i < w.size(); ++i) e[i / 128] += std::pow((*back)[i] - w[i], 2);
    return std::make_pair(e, q->scales);
  };
  const auto [plain, plain_scales] = group_errors({.bits = 4});
  const auto [searched, searched_scales] = group_errors({.bits = 4, .search_scale = true});
  double plain_sum = 0, searched_sum = 0;
  for (int g = 0; g < 64; ++g) {
    EXPECT_LE(searched[g], plain[g]) << "group " << g;
    EXPECT_LE(searched_scales[g], plain_scales[g]);
    EXPECT_GE(searched_scales[g], plain_scales[g] * 0.7f);
    plain_sum += plain[g];
    searched_sum += searched[g];
  }
  EXPECT_LT(searched_sum, 0.9 * plain_sum);
}

TEST(WeightQuantTest, AsymmetricRangeIncludesZero) {
  // Row 0 is all positive: the range is [0, 3], so the zero point is 0. Row 1 spans [-1, 2]:
  // scale 3/255, zero point round(255/3) = 85.
  const std::vector<float> w = {1.0f, 3.0f, 2.0f, -1.0f, 2.0f, 0.0f};
  WeightQuantOptions o{.bits = 8, .symmetric = false};
  Expected<QuantizedWeight> q = QuantizeWeight(w, std::vector<int64_t>{2, 3}, o);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->scales, (std::vector<float>{3.0f / 255, 3.0f / 255}));
  EXPECT_EQ(q->zero_points, (std::vector<int32_t>{0, 85}));
  std::vector<int32_t> codes = UnpackCodes(q->data, 6, o);
  EXPECT_EQ(codes, (std::vector<int32_t>{85, 255, 170, 0, 255, 85}));
}

TEST(WeightQuantTest, RoundsHalfToEven) {
  // scale = 31.75 / 127 = 0.25 exactly, so w / scale hits exact halves.
  const std::vector<float> w = {31.75f, 0.125f, 0.375f, 0.625f, -0.125f, -0.375f, -0.625f};
  Expected<QuantizedWeight> q = QuantizeWeight(w, std::vector<int64_t>{1, 7}, {.bits = 8});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->scales, std::vector<float>{0.25f});
  EXPECT_EQ(UnpackCodes(q->data, 7, {.bits = 8}), (std::vector<int32_t>{127, 0, 2, 2, 0, -2, -2}));
}

TEST(WeightQuantTest, SaturatesToTheSymmetricRange) {
  const GroupQuantParams p{.scale = 0.1f};
  EXPECT_EQ(QuantizeValue(100.0f, p, {.bits = 8}), 127);
  EXPECT_EQ(QuantizeValue(-100.0f, p, {.bits = 8}), -127);  // not -128
  EXPECT_EQ(QuantizeValue(-12.8f, p, {.bits = 8}), -127);
  EXPECT_EQ(QuantizeValue(100.0f, p, {.bits = 4}), 7);
  EXPECT_EQ(QuantizeValue(-100.0f, p, {.bits = 4}), -7);  // not -8
  const GroupQuantParams asym{.scale = 0.1f, .zero_point = 3};
  EXPECT_EQ(QuantizeValue(100.0f, asym, {.bits = 4, .symmetric = false}), 15);
  EXPECT_EQ(QuantizeValue(-100.0f, asym, {.bits = 4, .symmetric = false}), 0);
  EXPECT_EQ(QuantizeValue(100.0f, asym, {.bits = 8, .symmetric = false}), 255);
  EXPECT_EQ(QuantizeValue(-0.2f, asym, {.bits = 8, .symmetric = false}), 1);
}

TEST(WeightQuantTest, AllZeroGroupsGetScaleOne) {
  const std::vector<float> w = {0, 0, 0, 0, 1.0f, -2.0f, 0, 0};
  for (const WeightQuantOptions& o :
       {WeightQuantOptions{.bits = 8}, WeightQuantOptions{.bits = 4, .symmetric = false},
        WeightQuantOptions{.bits = 4, .axis = 1, .block_size = 2}}) {
    SCOPED_TRACE(Describe(o));
    Expected<QuantizedWeight> q = QuantizeWeight(w, std::vector<int64_t>{2, 4}, o);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->scales[0], 1.0f);
    if (!o.symmetric) {
      EXPECT_EQ(q->zero_points[0], 0);
    }
    Expected<std::vector<float>> back = DequantizeWeight(*q, std::vector<int64_t>{2, 4}, o);
    ASSERT_TRUE(back);
    for (int i = 0; i < 4; ++i) EXPECT_EQ((*back)[i], 0.0f);
    for (float s : q->scales) EXPECT_GT(s, 0.0f);
  }
}

TEST(WeightQuantTest, TinyGroupsGetANormalScale) {
  const float denormal = std::numeric_limits<float>::denorm_min() * 8;
  Expected<QuantizedWeight> q = QuantizeWeight(std::vector<float>{denormal, -denormal},
                                               std::vector<int64_t>{1, 2}, {.bits = 8});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->scales[0], std::numeric_limits<float>::min());
}

TEST(WeightQuantTest, PacksInt4LowNibbleFirst) {
  // One group with max |w| = 7: scale 1, codes equal to the weights.
  const std::vector<float> w = {1, -2, 3, -7, 5};
  Expected<QuantizedWeight> q = QuantizeWeight(w, std::vector<int64_t>{1, 5}, {.bits = 4});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->scales, std::vector<float>{1.0f});
  // (1, -2) -> low 0x1, high 0xE; (3, -7) -> 0x3, 0x9; 5 -> 0x5 and a zero pad nibble.
  EXPECT_EQ(q->data, (std::vector<uint8_t>{0xE1, 0x93, 0x05}));

  const std::vector<float> u = {0, 15, 3};  // asymmetric [0, 15]: scale 1, zero point 0
  Expected<QuantizedWeight> qu =
      QuantizeWeight(u, std::vector<int64_t>{1, 3}, {.bits = 4, .symmetric = false});
  ASSERT_TRUE(qu);
  EXPECT_EQ(qu->data, (std::vector<uint8_t>{0xF0, 0x03}));
  EXPECT_EQ(UnpackCodes(qu->data, 3, {.bits = 4, .symmetric = false}),
            (std::vector<int32_t>{0, 15, 3}));
}

TEST(WeightQuantTest, BlockCountRoundsUp) {
  WeightQuantOptions o{.bits = 4, .axis = 1, .block_size = 32};
  EXPECT_EQ(*WeightScaleCount(std::vector<int64_t>{3, 70}, o), 3 * 3);
  EXPECT_EQ(*WeightScaleCount(std::vector<int64_t>{3, 64}, o), 3 * 2);
  // Blocks along the middle axis of [2, 5, 3] with block 2: [2, ceil(5/2) = 3, 3].
  WeightQuantOptions mid{.bits = 8, .axis = 1, .block_size = 2};
  const std::vector<int64_t> shape = {2, 5, 3};
  EXPECT_EQ(*WeightScaleCount(shape, mid), 18);
  std::vector<float> w(30);
  for (int i = 0; i < 30; ++i) w[i] = static_cast<float>(i + 1);
  Expected<QuantizedWeight> q = QuantizeWeight(w, shape, mid);
  ASSERT_TRUE(q);
  ASSERT_EQ(q->scales.size(), 18u);
  // Scale [0, 2, 1]: the partial block holding only index 4 of axis 1 in column 1: w = 14.
  EXPECT_EQ(q->scales[(0 * 3 + 2) * 3 + 1], 14.0f / 127);
  // Scale [1, 0, 2]: indices 0..1 of axis 1 at column 2 of the second slice: max(18, 21).
  EXPECT_EQ(q->scales[(1 * 3 + 0) * 3 + 2], 21.0f / 127);
  EXPECT_EQ(ToQuantSpec(*q, 3, mid).ExpectedScaleCount(ir::Shape::Static(shape)), 18);
  EXPECT_EQ(ToQuantSpec(*q, 3, mid).granularity, ir::QuantGranularity::kPerBlock);
}

ref::DType StorageType(const WeightQuantOptions& o) {
  if (o.bits == 8) return o.symmetric ? ref::DType::kI8 : ref::DType::kU8;
  return o.symmetric ? ref::DType::kI4 : ref::DType::kU4;
}

TEST(WeightQuantTest, MatchesReferenceQuantizeBitExactly) {
  std::vector<std::pair<std::vector<int64_t>, WeightQuantOptions>> cases;
  for (const WeightQuantOptions& o : AllOptions()) cases.push_back({{9, 70}, o});
  cases.push_back({{4, 3, 5}, {.bits = 4, .axis = -2, .block_size = 2}});
  cases.push_back({{4, 3, 5}, {.bits = 8, .axis = 2, .block_size = 0, .symmetric = false}});
  uint32_t seed = 10;
  for (const auto& [shape, o] : cases) {
    SCOPED_TRACE(Describe(o));
    int64_t count = 1;
    for (int64_t d : shape) count *= d;
    std::vector<float> w = RandomWeights(count, seed++);
    Expected<QuantizedWeight> q = QuantizeWeight(w, shape, o);
    ASSERT_TRUE(q);

    ref::QuantParams p;
    p.granularity =
        o.block_size == 0 ? ref::QuantGranularity::kPerAxis : ref::QuantGranularity::kPerBlock;
    p.axis = o.axis;
    p.block_size = o.block_size;
    p.scales = q->scales;
    p.zero_points = q->zero_points;
    ref::Tensor x = ref::Tensor::FromVector(ref::DType::kF32, shape, w);
    rt::Result<ref::Tensor> expected = ref::Quantize(x, p, StorageType(o));
    ASSERT_TRUE(expected.ok()) << expected.status().message();
    std::span<const uint8_t> bytes = expected->bytes();
    EXPECT_EQ(q->data, std::vector<uint8_t>(bytes.begin(), bytes.end()));

    rt::Result<ref::Tensor> expected_back = ref::Dequantize(*expected, p);
    ASSERT_TRUE(expected_back.ok());
    Expected<std::vector<float>> back = DequantizeWeight(*q, shape, o);
    ASSERT_TRUE(back);
    const float* e = expected_back->data<float>();
    EXPECT_EQ(*back, std::vector<float>(e, e + count));
  }
}

TEST(WeightQuantTest, RejectsBadInput) {
  const std::vector<float> w(6, 1.0f);
  const std::vector<int64_t> shape = {2, 3};
  EXPECT_FALSE(QuantizeWeight(w, shape, {.bits = 3}));
  EXPECT_FALSE(QuantizeWeight(w, shape, {.axis = 2}));
  EXPECT_FALSE(QuantizeWeight(w, shape, {.axis = -3}));
  EXPECT_FALSE(QuantizeWeight(w, shape, {.block_size = -1}));
  EXPECT_FALSE(QuantizeWeight(w, std::vector<int64_t>{2, 2}, {}));
  std::vector<float> nan = w;
  nan[4] = std::numeric_limits<float>::quiet_NaN();
  Expected<QuantizedWeight> bad = QuantizeWeight(nan, shape, {});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("element 4"), std::string::npos);

  Expected<QuantizedWeight> q = QuantizeWeight(w, shape, {.bits = 4});
  ASSERT_TRUE(q);
  QuantizedWeight short_data = *q;
  short_data.data.pop_back();
  EXPECT_FALSE(DequantizeWeight(short_data, shape, {.bits = 4}));
  EXPECT_FALSE(DequantizeWeight(*q, shape, {.bits = 4, .axis = 1}));  // 2 scales, 3 expected
}

}  // namespace
}  // namespace kiln::quant
