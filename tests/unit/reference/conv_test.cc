#include "runtime/reference/kernels/conv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace kiln::ref {
namespace {

using ::testing::HasSubstr;

Tensor Random(const Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(NumElements(shape)));
  for (float& f : v) f = dist(rng);
  return Tensor::FromVector(DType::kF32, shape, v);
}

// max |a - b| / max(max |b|, 1e-6).
double RelativeError(const Tensor& a, const std::vector<float>& b) {
  double diff = 0, scale = 1e-6;
  for (size_t i = 0; i < b.size(); ++i) {
    diff = std::max(diff, std::abs(double(a.data<float>()[i]) - b[i]));
    scale = std::max(scale, std::abs(double(b[i])));
  }
  return diff / scale;
}

struct Case {
  Shape x;  // [N, C, spatial...]
  int64_t out_channels;
  Shape kernel;
  std::vector<int64_t> strides, dilations, pads;  // explicit (NOTSET)
  int64_t group = 1;
  bool bias = true;
};

// Direct loop over every output and kernel tap, spatial dims padded to 3.
std::vector<float> NaiveConv(const Tensor& x, const Tensor& w, const Tensor* b, const Case& c,
                             Shape& out_shape) {
  const int r = static_cast<int>(c.kernel.size());
  int64_t in[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1}, p[3] = {},
          o[3] = {1, 1, 1};
  for (int i = 0; i < r; ++i) {
    int j = 3 - r + i;
    in[j] = c.x[2 + i];
    k[j] = c.kernel[i];
    s[j] = c.strides[i];
    d[j] = c.dilations[i];
    p[j] = c.pads[i];
    o[j] = (in[j] + c.pads[i] + c.pads[r + i] - (k[j] - 1) * d[j] - 1) / s[j] + 1;
  }
  const int64_t n_ = c.x[0], ch = c.x[1], m_ = c.out_channels, cg = ch / c.group, mg = m_ / c.group;
  out_shape = {n_, m_};
  for (int i = 0; i < r; ++i) out_shape.push_back(o[3 - r + i]);
  std::vector<float> y;
  for (int64_t n = 0; n < n_; ++n)
    for (int64_t m = 0; m < m_; ++m)
      for (int64_t a = 0; a < o[0]; ++a)
        for (int64_t bb = 0; bb < o[1]; ++bb)
          for (int64_t e = 0; e < o[2]; ++e) {
            double acc = b ? b->data<float>()[m] : 0.0;
            for (int64_t ci = 0; ci < cg; ++ci)
              for (int64_t ka = 0; ka < k[0]; ++ka)
                for (int64_t kb = 0; kb < k[1]; ++kb)
                  for (int64_t ke = 0; ke < k[2]; ++ke) {
                    int64_t i0 = a * s[0] - p[0] + ka * d[0];
                    int64_t i1 = bb * s[1] - p[1] + kb * d[1];
                    int64_t i2 = e * s[2] - p[2] + ke * d[2];
                    if (i0 < 0 || i0 >= in[0] || i1 < 0 || i1 >= in[1] || i2 < 0 || i2 >= in[2])
                      continue;
                    int64_t c_in = (m / mg) * cg + ci;
                    acc +=
                        double(
                            x.data<float>()[(((n * ch + c_in) * in[0] + i0) * in[1] + i1) * in[2] +
                                            i2]) *
                        w.data<float>()[(((m * cg + ci) * k[0] + ka) * k[1] + kb) * k[2] + ke];
                  }
            y.push_back(static_cast<float>(acc));
          }
  return y;
}

void Check(const Case& c, int threads) {
  Shape w_shape = {c.out_channels, c.x[1] / c.group};
  for (int64_t k : c.kernel) w_shape.push_back(k);
  Tensor x = Random(c.x, 1), w = Random(w_shape, 2), b = Random({c.out_channels}, 3);
  ConvParams p{.strides = c.strides, .dilations = c.dilations, .pads = c.pads, .group = c.group};
  rt::Result<Tensor> y = Conv(x, w, c.bias ? &b : nullptr, p, threads);
  ASSERT_TRUE(y.ok()) << y.status().message();
  Shape want_shape;
  std::vector<float> want = NaiveConv(x, w, c.bias ? &b : nullptr, c, want_shape);
  ASSERT_EQ(y->shape(), want_shape);
  EXPECT_LT(RelativeError(*y, want), 1e-5) << "x " << ShapeString(c.x) << " group " << c.group;
}

TEST(ConvTest, MatchesDirectLoop) {
  const std::vector<Case> cases = {
      {{1, 3, 9, 9}, 4, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}},                       // same-size
      {{2, 4, 11, 10}, 6, {3, 2}, {2, 3}, {1, 1}, {0, 1, 2, 0}},                     // asym pads
      {{1, 4, 12, 12}, 8, {3, 3}, {1, 1}, {2, 3}, {2, 2, 2, 2}},                     // dilations
      {{2, 6, 8, 8}, 9, {3, 3}, {1, 2}, {1, 1}, {1, 1, 1, 1}, 3},                    // grouped
      {{1, 8, 10, 10}, 8, {1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}, 1, false},           // pointwise
      {{2, 5, 7, 7}, 3, {1, 1}, {2, 2}, {1, 1}, {0, 0, 0, 0}},                       // strided 1x1
      {{1, 6, 9, 9}, 6, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, 6},                    // depthwise
      {{2, 4, 8, 7}, 8, {3, 3}, {1, 1}, {2, 1}, {2, 1, 0, 2}, 4},                    // depthwise x2
      {{2, 3, 17}, 5, {4}, {3}, {2}, {2, 1}},                                        // 1-D
      {{1, 4, 5, 6, 7}, 4, {2, 3, 2}, {1, 2, 1}, {1, 1, 2}, {1, 0, 1, 0, 1, 1}, 2},  // 3-D
  };
  for (const Case& c : cases) {
    Check(c, 1);
    Check(c, 3);
  }
}

TEST(ConvTest, AutoPadSameUpperKeepsSize) {
  Tensor x = Random({1, 2, 7, 8}, 4), w = Random({3, 2, 3, 4}, 5);
  ConvParams same{.strides = {2, 2}, .auto_pad = AutoPad::kSameUpper};
  rt::Result<Tensor> y = Conv(x, w, nullptr, same, 1);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{1, 3, 4, 4}));
  // Total pads: H (3-1)*2+3-7 = 2 -> 1,1; W (4-1)*2+4-8 = 2 -> 1,1.
  Case c{{1, 2, 7, 8}, 3, {3, 4}, {2, 2}, {1, 1}, {1, 1, 1, 1}, 1, false};
  Shape s;
  EXPECT_LT(RelativeError(*y, NaiveConv(x, w, nullptr, c, s)), 1e-5);

  // SAME_LOWER puts the odd pad at the beginning: W stride 1, kernel 4 -> total 3 = 2 + 1.
  ConvParams lower{.auto_pad = AutoPad::kSameLower};
  rt::Result<Tensor> z = Conv(x, w, nullptr, lower, 1);
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->shape(), (Shape{1, 3, 7, 8}));
  Case cl{{1, 2, 7, 8}, 3, {3, 4}, {1, 1}, {1, 1}, {1, 2, 1, 1}, 1, false};
  EXPECT_LT(RelativeError(*z, NaiveConv(x, w, nullptr, cl, s)), 1e-5);

  ConvParams valid{.pads = {5, 5, 5, 5}, .auto_pad = AutoPad::kValid};
  rt::Result<Tensor> v = Conv(x, w, nullptr, valid, 1);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->shape(), (Shape{1, 3, 5, 5}));
}

TEST(ConvTest, RejectsMismatchedOperands) {
  Tensor x = Random({1, 4, 5, 5}, 1);
  ConvParams p;
  rt::Result<Tensor> r = Conv(x, Random({2, 3, 3, 3}, 2), nullptr, p);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("input channels"));

  ConvParams bad_group{.group = 3};
  r = Conv(x, Random({3, 1, 3, 3}, 2), nullptr, bad_group);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("group 3"));

  Tensor b = Random({5}, 3);
  r = Conv(x, Random({2, 4, 3, 3}, 2), &b, p);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("bias"));

  r = Conv(x, Random({2, 4, 7, 3}, 2), nullptr, p);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("exceeds"));

  ConvParams wrong_kernel{.kernel_shape = {2, 2}};
  r = Conv(x, Random({2, 4, 3, 3}, 2), nullptr, wrong_kernel);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("kernel_shape"));

  ConvParams short_strides{.strides = {1}};
  r = Conv(x, Random({2, 4, 3, 3}, 2), nullptr, short_strides);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("strides"));
}

}  // namespace
}  // namespace kiln::ref
