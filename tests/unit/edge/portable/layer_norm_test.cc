#include "runtime/edge/portable/layer_norm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tests/unit/edge/portable/test_tensors.h"

namespace kiln::edge::portable {
namespace {

using testing::AllClose;
using testing::Count;
using testing::RandomFloats;

// Two passes in double over each row of the [outer, inner] view.
std::vector<double> NaiveLayerNorm(const std::vector<float>& x, const std::vector<int64_t>& dims,
                                   int axis, const float* scale, const float* bias, double eps) {
  int64_t inner = 1;
  for (size_t d = axis; d < dims.size(); ++d) inner *= dims[d];
  std::vector<double> y(x.size());
  for (size_t r = 0; r * inner < x.size(); ++r) {
    const float* row = x.data() + r * inner;
    double mean = 0.0, var = 0.0;
    for (int64_t j = 0; j < inner; ++j) mean += row[j];
    mean /= inner;
    for (int64_t j = 0; j < inner; ++j) var += (row[j] - mean) * (row[j] - mean);
    var /= inner;
    for (int64_t j = 0; j < inner; ++j) {
      double v = (row[j] - mean) / std::sqrt(var + eps);
      if (scale) v *= scale[j];
      if (bias) v += bias[j];
      y[r * inner + j] = v;
    }
  }
  return y;
}

// Normalized values are O(1): float rounding of a few operations stays far below 1e-5.
constexpr double kRtol = 1e-5, kAtol = 1e-5;

TEST(LayerNormTest, HandComputedRow) {
  const float x[] = {1, 2, 3};
  const int64_t dims[] = {1, 3};
  float y[3];
  LayerNorm(x, dims, 1, nullptr, nullptr, 0.0f, y);
  const double s = std::sqrt(1.5);  // 1 / sqrt(var), var = 2/3
  EXPECT_TRUE(AllClose(y, std::vector<double>{-s, 0.0, s}, 1e-6, 1e-7));
}

TEST(LayerNormTest, LastAxisWithEveryScaleBiasCombination) {
  const std::vector<int64_t> dims = {3, 5, 67};
  const std::vector<float> x = RandomFloats(Count(dims), 1, -2.0f, 3.0f);
  const std::vector<float> scale = RandomFloats(67, 2), bias = RandomFloats(67, 3);
  for (const float* s : {static_cast<const float*>(nullptr), scale.data()}) {
    for (const float* b : {static_cast<const float*>(nullptr), bias.data()}) {
      std::vector<float> y(x.size());
      LayerNorm(x.data(), dims, 2, s, b, 1e-5f, y.data());
      EXPECT_TRUE(AllClose(y, NaiveLayerNorm(x, dims, 2, s, b, 1e-5f), kRtol, kAtol))
          << "scale " << (s != nullptr) << " bias " << (b != nullptr);
    }
  }
}

TEST(LayerNormTest, LeadingAxisNormalizesTrailingDimsTogether) {
  const std::vector<int64_t> dims = {2, 3, 4, 5};
  const std::vector<float> x = RandomFloats(Count(dims), 4);
  // Long enough for every axis; each call reads the first `inner` values.
  const std::vector<float> scale = RandomFloats(120, 5), bias = RandomFloats(120, 6);
  for (int axis : {0, 1, 3}) {
    const int64_t inner = Count({dims.begin() + axis, dims.end()});
    std::vector<float> y(x.size());
    LayerNorm(x.data(), dims, axis, scale.data(), bias.data(), 1e-3f, y.data());
    EXPECT_TRUE(
        AllClose(y, NaiveLayerNorm(x, dims, axis, scale.data(), bias.data(), 1e-3f), kRtol, kAtol))
        << "axis " << axis << " inner " << inner;
  }
}

TEST(LayerNormTest, LargeCommonOffsetKeepsPrecision) {
  // Values 1e4 + U(-1, 1): a float mean is off by up to half an ulp of 1e4 (5e-4), which a
  // single pass around it would carry into every output.
  const std::vector<int64_t> dims = {4, 256};
  std::vector<float> x = RandomFloats(Count(dims), 7);
  for (float& v : x) v += 1e4f;
  std::vector<float> y(x.size());
  LayerNorm(x.data(), dims, 1, nullptr, nullptr, 1e-5f, y.data());
  EXPECT_TRUE(AllClose(y, NaiveLayerNorm(x, dims, 1, nullptr, nullptr, 1e-5f), kRtol, kAtol));
}

TEST(LayerNormTest, InPlaceAndConstantRows) {
  const std::vector<int64_t> dims = {2, 8};
  std::vector<float> x = RandomFloats(16, 8);
  std::fill(x.begin() + 8, x.end(), 3.0f);  // zero variance: (x - mean) = 0 exactly
  const std::vector<double> want = NaiveLayerNorm(x, dims, 1, nullptr, nullptr, 1e-5f);
  LayerNorm(x.data(), dims, 1, nullptr, nullptr, 1e-5f, x.data());
  EXPECT_TRUE(AllClose(x, want, kRtol, kAtol));
  for (int j = 8; j < 16; ++j) EXPECT_EQ(x[j], 0.0f);
}

TEST(LayerNormTest, EmptyTensorWritesNothing) {
  const int64_t dims[] = {0, 4};
  float y[1] = {42.0f};
  LayerNorm(nullptr, dims, 1, nullptr, nullptr, 1e-5f, y);
  const int64_t empty_row[] = {3, 0};
  LayerNorm(nullptr, empty_row, 1, nullptr, nullptr, 1e-5f, y);
  EXPECT_EQ(y[0], 42.0f);
}

}  // namespace
}  // namespace kiln::edge::portable
