#include "runtime/reference/kernels/conv_transpose.h"

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
  std::vector<int64_t> strides, dilations, pads, output_padding;
  int64_t group = 1;
};

// Scatters every input element times every kernel tap; spatial dims padded to 3.
std::vector<float> NaiveConvTranspose(const Tensor& x, const Tensor& w, const Tensor& b,
                                      const Case& c, Shape& out_shape) {
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
    o[j] = s[j] * (in[j] - 1) + c.output_padding[i] + (k[j] - 1) * d[j] + 1 - c.pads[i] -
           c.pads[r + i];
  }
  const int64_t batch = c.x[0], ch = c.x[1], m_ = c.out_channels, cg = ch / c.group,
                mg = m_ / c.group;
  out_shape = {batch, m_};
  for (int i = 0; i < r; ++i) out_shape.push_back(o[3 - r + i]);
  const int64_t osize = o[0] * o[1] * o[2];
  std::vector<double> y(static_cast<size_t>(batch * m_ * osize));
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t m = 0; m < m_; ++m)
      for (int64_t i = 0; i < osize; ++i) y[(n * m_ + m) * osize + i] = b.data<float>()[m];
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t ci = 0; ci < ch; ++ci)
      for (int64_t i0 = 0; i0 < in[0]; ++i0)
        for (int64_t i1 = 0; i1 < in[1]; ++i1)
          for (int64_t i2 = 0; i2 < in[2]; ++i2) {
            float xv = x.data<float>()[(((n * ch + ci) * in[0] + i0) * in[1] + i1) * in[2] + i2];
            for (int64_t mi = 0; mi < mg; ++mi)
              for (int64_t ka = 0; ka < k[0]; ++ka)
                for (int64_t kb = 0; kb < k[1]; ++kb)
                  for (int64_t ke = 0; ke < k[2]; ++ke) {
                    int64_t a = i0 * s[0] - p[0] + ka * d[0];
                    int64_t bb = i1 * s[1] - p[1] + kb * d[1];
                    int64_t e = i2 * s[2] - p[2] + ke * d[2];
                    if (a < 0 || a >= o[0] || bb < 0 || bb >= o[1] || e < 0 || e >= o[2]) continue;
                    int64_t m = (ci / cg) * mg + mi;
                    float wv =
                        w.data<float>()[(((ci * mg + mi) * k[0] + ka) * k[1] + kb) * k[2] + ke];
                    y[(n * m_ + m) * osize + (a * o[1] + bb) * o[2] + e] += double(xv) * wv;
                  }
          }
  return std::vector<float>(y.begin(), y.end());
}

TEST(ConvTransposeTest, MatchesDirectScatter) {
  const std::vector<Case> cases = {
      {{1, 2, 4, 4}, 3, {3, 3}, {1, 1}, {1, 1}, {0, 0, 0, 0}, {0, 0}},
      {{2, 4, 5, 4}, 6, {3, 2}, {2, 3}, {1, 1}, {1, 0, 0, 1}, {1, 2}},
      {{1, 4, 5, 5}, 4, {3, 3}, {2, 2}, {2, 2}, {1, 1, 2, 2}, {1, 0}},
      {{2, 6, 4, 4}, 9, {2, 3}, {2, 1}, {1, 1}, {0, 1, 0, 1}, {0, 0}, 3},
      {{1, 3, 7}, 2, {4}, {3}, {1}, {1, 2}, {2}},
      {{1, 2, 3, 4, 3}, 4, {2, 2, 3}, {2, 1, 2}, {1, 2, 1}, {0, 1, 1, 1, 0, 0}, {1, 0, 0}, 2},
  };
  for (const Case& c : cases) {
    Shape w_shape = {c.x[1], c.out_channels / c.group};
    for (int64_t k : c.kernel) w_shape.push_back(k);
    Tensor x = Random(c.x, 1), w = Random(w_shape, 2), b = Random({c.out_channels}, 3);
    ConvTransposeParams p;
    p.strides = c.strides;
    p.dilations = c.dilations;
    p.pads = c.pads;
    p.output_padding = c.output_padding;
    p.group = c.group;
    Shape want_shape;
    std::vector<float> want = NaiveConvTranspose(x, w, b, c, want_shape);
    for (int threads : {1, 2}) {
      rt::Result<Tensor> y = ConvTranspose(x, w, &b, p, threads);
      ASSERT_TRUE(y.ok()) << y.status().message();
      ASSERT_EQ(y->shape(), want_shape);
      EXPECT_LT(RelativeError(*y, want), 1e-5) << ShapeString(c.x);
    }
  }
}

// ONNX backend test test_convtranspose_autopad_same: SAME_UPPER, strides 2, 3x3 ones kernel.
TEST(ConvTransposeTest, SameUpperPadsTheEnd) {
  std::vector<float> xs(9);
  for (int i = 0; i < 9; ++i) xs[i] = float(i);
  Tensor x = Tensor::FromVector(DType::kF32, {1, 1, 3, 3}, xs);
  Tensor w = Tensor::FromVector(DType::kF32, {1, 2, 3, 3}, std::vector<float>(18, 1.0f));
  ConvTransposeParams p;
  p.strides = {2, 2};
  p.auto_pad = AutoPad::kSameUpper;
  rt::Result<Tensor> y = ConvTranspose(x, w, nullptr, p);
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->shape(), (Shape{1, 2, 6, 6}));
  const std::vector<float> want = {0, 0, 1, 1, 3, 2, 0, 0, 1,  1,  3,  2,  3, 3, 8,  5, 12, 7,
                                   3, 3, 7, 4, 9, 5, 9, 9, 20, 11, 24, 13, 6, 6, 13, 7, 15, 8};
  EXPECT_LT(RelativeError(*y, want), 1e-6);
}

TEST(ConvTransposeTest, OutputShapeDerivesPads) {
  Tensor x = Random({1, 2, 3, 3}, 4), w = Random({2, 3, 3, 3}, 5);
  ConvTransposeParams p;
  p.strides = {3, 2};
  p.output_shape = {10, 8};  // full size 9x7 + output padding 1x1 -> pads 0
  p.output_padding = {1, 1};
  rt::Result<Tensor> y = ConvTranspose(x, w, nullptr, p);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{1, 3, 10, 8}));

  // Without output_padding the same output_shape needs a negative total pad of -1: the last
  // row and column only see the (zero) bias.
  ConvTransposeParams q;
  q.strides = {3, 2};
  q.output_shape = {1, 3, 10, 8};
  Tensor b = Tensor::FromVector(DType::kF32, {3}, std::vector<float>{0, 0, 0});
  rt::Result<Tensor> z = ConvTranspose(x, w, &b, q);
  ASSERT_TRUE(z.ok()) << z.status().message();
  ASSERT_EQ(z->shape(), (Shape{1, 3, 10, 8}));
  Case c{{1, 2, 3, 3}, 3, {3, 3}, {3, 2}, {1, 1}, {0, 0, 0, 0}, {1, 1}};
  Shape s;
  std::vector<float> want = NaiveConvTranspose(x, w, b, c, s);
  ASSERT_EQ(s, z->shape());
  EXPECT_LT(RelativeError(*z, want), 1e-5);
}

TEST(ConvTransposeTest, RejectsMismatchedOperands) {
  Tensor x = Random({1, 4, 3, 3}, 1);
  ConvTransposeParams p;
  rt::Result<Tensor> r = ConvTranspose(x, Random({3, 2, 3, 3}, 2), nullptr, p);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("input channels"));
  p.group = 3;
  r = ConvTranspose(x, Random({4, 2, 3, 3}, 2), nullptr, p);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("group 3"));
  p.group = 1;
  p.output_padding = {2, 2};
  r = ConvTranspose(x, Random({4, 2, 3, 3}, 2), nullptr, p);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("output_padding"));
}

}  // namespace
}  // namespace kiln::ref
