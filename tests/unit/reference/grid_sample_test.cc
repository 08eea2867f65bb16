#include "runtime/reference/kernels/grid_sample.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace kiln::ref {
namespace {

// Samples a 1 x W row (values `row`) at pixel x positions; y is the row's centre.
std::vector<float> SampleRow(const std::vector<float>& row, const std::vector<double>& pixel_x,
                             const GridSampleParams& p) {
  const int64_t w = static_cast<int64_t>(row.size());
  std::vector<float> grid;
  for (double x : pixel_x) {
    // Inverse of the unnormalization for align_corners false/true; H = 1 puts y at 0.
    grid.push_back(static_cast<float>(p.align_corners ? 2 * x / (w - 1) - 1 : (2 * x + 1) / w - 1));
    grid.push_back(0.0f);
  }
  Tensor x = Tensor::FromVector(DType::kF32, {1, 1, 1, w}, row);
  Tensor g = Tensor::FromVector(DType::kF32, {1, 1, static_cast<int64_t>(pixel_x.size()), 2}, grid);
  rt::Result<Tensor> y = GridSample(x, g, p);
  EXPECT_TRUE(y.ok()) << y.status().message();
  if (!y.ok()) return {};
  return std::vector<float>(y->data<float>(), y->data<float>() + pixel_x.size());
}

void ExpectNear(const std::vector<float>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_LE(std::abs(got[i] - want[i]), 1e-5 * std::max(1.0, std::abs(want[i]))) << "at " << i;
  }
}

TEST(GridSampleTest, IdentityGridReproducesInputInEveryMode) {
  const int64_t h = 3, w = 4;
  std::vector<float> xs(2 * h * w);
  for (size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<float>(i * i % 7) - 2.5f;
  Tensor x = Tensor::FromVector(DType::kF32, {1, 2, h, w}, xs);
  for (bool align : {false, true}) {
    std::vector<float> grid;
    for (int64_t i = 0; i < h; ++i) {
      for (int64_t j = 0; j < w; ++j) {
        grid.push_back(align ? 2.0f * j / (w - 1) - 1 : (2.0f * j + 1) / w - 1);
        grid.push_back(align ? 2.0f * i / (h - 1) - 1 : (2.0f * i + 1) / h - 1);
      }
    }
    Tensor g = Tensor::FromVector(DType::kF32, {1, h, w, 2}, grid);
    for (GridSampleMode mode :
         {GridSampleMode::kBilinear, GridSampleMode::kNearest, GridSampleMode::kBicubic}) {
      rt::Result<Tensor> y = GridSample(x, g, {.mode = mode, .align_corners = align});
      ASSERT_TRUE(y.ok());
      ExpectNear(std::vector<float>(y->data<float>(), y->data<float>() + xs.size()),
                 std::vector<double>(xs.begin(), xs.end()));
    }
  }
}

TEST(GridSampleTest, BilinearInterpolatesAndPadsWithZeros) {
  // Half a pixel left of pixel 0 mixes it with the zero padding.
  ExpectNear(SampleRow({1, 2, 3, 4}, {1.5, 2.25, -0.5, 3.5, -3}, {}), {2.5, 3.25, 0.5, 2.0, 0});
}

TEST(GridSampleTest, BorderClampsAndReflectionMirrors) {
  const std::vector<float> row = {1, 2, 3, 4};
  ExpectNear(SampleRow(row, {-1, 5, 1.5}, {.padding = GridSamplePadding::kBorder}), {1, 4, 2.5});
  // Without align_corners the mirror is at -0.5 and 3.5: -1 -> 0, 4.25 -> 2.75.
  ExpectNear(SampleRow(row, {-1, 4.25, -0.25}, {.padding = GridSamplePadding::kReflection}),
             {1, 3.75, 1});
  // With align_corners the mirror is at 0 and 3: -1 -> 1, 4.5 -> 1.5.
  ExpectNear(
      SampleRow(row, {-1, 4.5}, {.padding = GridSamplePadding::kReflection, .align_corners = true}),
      {2, 2.5});
}

TEST(GridSampleTest, NearestRoundsHalfToEven) {
  ExpectNear(SampleRow({1, 2, 3, 4}, {0.5, 1.5, 2.4, 2.6}, {.mode = GridSampleMode::kNearest}),
             {1, 3, 3, 4});
}

// The cubic convolution kernel with a = -0.75, as a function of the distance to a tap.
double Cubic(double d) {
  const double a = -0.75;
  d = std::abs(d);
  if (d <= 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
  if (d < 2) return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  return 0;
}

TEST(GridSampleTest, BicubicWeighsFourTaps) {
  const std::vector<float> row = {0, 1, 4, 9, 16, 25};
  // Position 1.25 reads taps 0..3 at distances 1.25, 0.25, 0.75, 1.75.
  const double want = Cubic(1.25) * 0 + Cubic(0.25) * 1 + Cubic(0.75) * 4 + Cubic(1.75) * 9;
  // Halfway between pixels the result is symmetric in the neighbours.
  const double mid = Cubic(1.5) * (1 + 16) + Cubic(0.5) * (4 + 9);
  ExpectNear(SampleRow(row, {1.25, 2.5}, {.mode = GridSampleMode::kBicubic}), {want, mid});
  // Constants are reproduced, including where taps fall outside under border padding.
  ExpectNear(SampleRow({3, 3, 3}, {0.3, 1.7},
                       {.mode = GridSampleMode::kBicubic, .padding = GridSamplePadding::kBorder}),
             {3, 3});
}

TEST(GridSampleTest, RejectsBadShapesAndModes) {
  Tensor x = Tensor::FromVector(DType::kF32, {1, 1, 2, 2}, std::vector<float>{1, 2, 3, 4});
  Tensor g = Tensor::FromVector(DType::kF32, {1, 1, 1, 3}, std::vector<float>{0, 0, 0});
  EXPECT_FALSE(GridSample(x, g, {}).ok());
  EXPECT_FALSE(ParseGridSampleMode("cubic").ok());
  EXPECT_FALSE(ParseGridSamplePadding("wrap").ok());
  EXPECT_TRUE(ParseGridSamplePadding("").ok());
}

}  // namespace
}  // namespace kiln::ref
