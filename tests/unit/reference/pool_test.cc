#include "runtime/reference/kernels/pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace kiln::ref {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

Tensor Random(const Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(NumElements(shape)));
  for (float& f : v) f = dist(rng);
  return Tensor::FromVector(DType::kF32, shape, v);
}

std::vector<float> Values(const Tensor& t) {
  return std::vector<float>(t.data<float>(), t.data<float>() + t.num_elements());
}

double RelativeError(const Tensor& a, const std::vector<float>& b) {
  double diff = 0, scale = 1e-6;
  for (size_t i = 0; i < b.size(); ++i) {
    diff = std::max(diff, std::abs(double(a.data<float>()[i]) - b[i]));
    scale = std::max(scale, std::abs(double(b[i])));
  }
  return diff / scale;
}

// 2-D pooling written out directly on a zero-padded copy of the input, floor mode.
struct Naive {
  std::vector<float> max, avg_exclude_pad, avg_include_pad;
  std::vector<int64_t> argmax;
  Shape shape;
};

Naive NaivePool2d(const Tensor& x, const PoolParams& p) {
  const int64_t nn = x.dim(0), cc = x.dim(1), h = x.dim(2), w = x.dim(3);
  const int64_t kh = p.kernel_shape[0], kw = p.kernel_shape[1], sh = p.strides[0],
                sw = p.strides[1], dh = p.dilations[0], dw = p.dilations[1];
  const int64_t pt = p.pads[0], pl = p.pads[1], pb = p.pads[2], pr = p.pads[3];
  const int64_t oh = (h + pt + pb - (kh - 1) * dh - 1) / sh + 1;
  const int64_t ow = (w + pl + pr - (kw - 1) * dw - 1) / sw + 1;
  Naive r;
  r.shape = {nn, cc, oh, ow};
  for (int64_t n = 0; n < nn; ++n)
    for (int64_t c = 0; c < cc; ++c)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t z = 0; z < ow; ++z) {
          float best = -std::numeric_limits<float>::infinity();
          int64_t best_i = 0, count = 0;
          double sum = 0;
          for (int64_t a = 0; a < kh; ++a)
            for (int64_t b = 0; b < kw; ++b) {
              int64_t i = y * sh - pt + a * dh, j = z * sw - pl + b * dw;
              if (i < 0 || i >= h || j < 0 || j >= w) continue;
              int64_t flat = ((n * cc + c) * h + i) * w + j;
              float v = x.data<float>()[flat];
              if (v > best) best = v, best_i = flat;
              sum += v;
              ++count;
            }
          r.max.push_back(best);
          r.argmax.push_back(best_i);
          r.avg_exclude_pad.push_back(static_cast<float>(sum / count));
          r.avg_include_pad.push_back(static_cast<float>(sum / (kh * kw)));
        }
  return r;
}

TEST(PoolTest, MatchesDirectLoop) {
  struct Case {
    Shape x;
    std::vector<int64_t> kernel, strides, dilations, pads;
  };
  const std::vector<Case> cases = {
      {{1, 2, 6, 6}, {2, 2}, {2, 2}, {1, 1}, {0, 0, 0, 0}},
      {{2, 3, 9, 8}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}},
      {{1, 2, 10, 11}, {3, 2}, {1, 3}, {2, 1}, {2, 0, 1, 1}},
      {{1, 1, 7, 7}, {4, 4}, {3, 3}, {1, 1}, {2, 2, 1, 1}},
  };
  for (const Case& c : cases) {
    Tensor x = Random(c.x, 7);
    PoolParams p;
    p.kernel_shape = c.kernel;
    p.strides = c.strides;
    p.dilations = c.dilations;
    p.pads = c.pads;
    Naive want = NaivePool2d(x, p);
    for (int threads : {1, 2}) {
      rt::Result<MaxPoolResult> m = MaxPool(x, p, true, threads);
      ASSERT_TRUE(m.ok()) << m.status().message();
      ASSERT_EQ(m->values.shape(), want.shape);
      EXPECT_THAT(Values(m->values), ElementsAreArray(want.max));
      std::vector<int64_t> idx(m->indices.data<int64_t>(),
                               m->indices.data<int64_t>() + m->indices.num_elements());
      EXPECT_THAT(idx, ElementsAreArray(want.argmax));

      rt::Result<Tensor> a = AveragePool(x, p, threads);
      ASSERT_TRUE(a.ok()) << a.status().message();
      ASSERT_EQ(a->shape(), want.shape);
      EXPECT_LT(RelativeError(*a, want.avg_exclude_pad), 1e-6);
      p.count_include_pad = true;
      a = AveragePool(x, p, threads);
      ASSERT_TRUE(a.ok());
      EXPECT_LT(RelativeError(*a, want.avg_include_pad), 1e-6);
      p.count_include_pad = false;
    }
  }
}

Tensor Iota(const Shape& shape) {
  std::vector<float> v(static_cast<size_t>(NumElements(shape)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i + 1);
  return Tensor::FromVector(DType::kF32, shape, v);
}

// The expectations below are ONNX backend tests (test_maxpool_2d_ceil,
// test_averagepool_2d_ceil, test_maxpool_with_argmax_2d_precomputed_strides).
TEST(PoolTest, CeilModeDropsWindowsStartingInPadding) {
  PoolParams p;
  p.kernel_shape = {3, 3};
  p.strides = {2, 2};
  p.ceil_mode = true;
  Tensor x = Iota({1, 1, 4, 4});
  rt::Result<MaxPoolResult> m = MaxPool(x, p, false);
  ASSERT_TRUE(m.ok());
  EXPECT_THAT(Values(m->values), ElementsAreArray({11.0f, 12.0f, 15.0f, 16.0f}));
  rt::Result<Tensor> a = AveragePool(x, p);
  ASSERT_TRUE(a.ok());
  EXPECT_THAT(Values(*a), ElementsAreArray({6.0f, 7.5f, 12.0f, 13.5f}));

  // 5 with stride 2, kernel 2: ceil gives 3 windows but the third would start past the end.
  Tensor y = Iota({1, 1, 5, 5});
  PoolParams q;
  q.kernel_shape = {2, 2};
  q.strides = {2, 2};
  q.ceil_mode = true;
  q.pads = {0, 0, 0, 0};
  rt::Result<MaxPoolResult> r = MaxPool(y, q, false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->values.shape(), (Shape{1, 1, 3, 3}));
  q.pads = {0, 0, 1, 1};
  q.ceil_mode = true;
  r = MaxPool(Iota({1, 1, 4, 4}), q, false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->values.shape(), (Shape{1, 1, 2, 2}));
}

TEST(PoolTest, ColumnMajorIndices) {
  PoolParams p;
  p.kernel_shape = {2, 2};
  p.strides = {2, 2};
  p.storage_order = 1;
  rt::Result<MaxPoolResult> m = MaxPool(Iota({1, 1, 5, 5}), p, true);
  ASSERT_TRUE(m.ok());
  EXPECT_THAT(Values(m->values), ElementsAreArray({7.0f, 9.0f, 17.0f, 19.0f}));
  std::vector<int64_t> idx(m->indices.data<int64_t>(), m->indices.data<int64_t>() + 4);
  EXPECT_THAT(idx, ElementsAreArray({6, 16, 8, 18}));
}

TEST(PoolTest, AutoPadAndOtherRanks) {
  PoolParams p;
  p.kernel_shape = {3};
  p.strides = {2};
  p.auto_pad = AutoPad::kSameUpper;
  rt::Result<MaxPoolResult> m = MaxPool(Iota({1, 1, 6}), p, false);
  ASSERT_TRUE(m.ok());
  // out 3, total pad (3-1)*2+3-6 = 1 at the end: windows [1,2,3] [3,4,5] [5,6,pad].
  EXPECT_THAT(Values(m->values), ElementsAreArray({3.0f, 5.0f, 6.0f}));
  p.auto_pad = AutoPad::kSameLower;  // pad at the beginning: [pad,1,2] [2,3,4] [4,5,6]
  m = MaxPool(Iota({1, 1, 6}), p, false);
  ASSERT_TRUE(m.ok());
  EXPECT_THAT(Values(m->values), ElementsAreArray({2.0f, 4.0f, 6.0f}));
  rt::Result<Tensor> a = AveragePool(Iota({1, 1, 6}), p);
  ASSERT_TRUE(a.ok());
  EXPECT_THAT(Values(*a), ElementsAreArray({1.5f, 3.0f, 5.0f}));

  PoolParams cube;
  cube.kernel_shape = {2, 2, 2};
  cube.strides = {2, 2, 2};
  rt::Result<MaxPoolResult> c = MaxPool(Iota({1, 1, 2, 2, 4}), cube, true);
  ASSERT_TRUE(c.ok());
  EXPECT_THAT(Values(c->values), ElementsAreArray({14.0f, 16.0f}));
  EXPECT_EQ(c->indices.data<int64_t>()[1], 15);
}

TEST(PoolTest, GlobalPools) {
  Tensor x = Iota({2, 3, 2, 2});
  rt::Result<Tensor> a = GlobalAveragePool(x);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->shape(), (Shape{2, 3, 1, 1}));
  EXPECT_THAT(Values(*a), ElementsAreArray({2.5f, 6.5f, 10.5f, 14.5f, 18.5f, 22.5f}));
  rt::Result<Tensor> m = GlobalMaxPool(x);
  ASSERT_TRUE(m.ok());
  EXPECT_THAT(Values(*m), ElementsAreArray({4.0f, 8.0f, 12.0f, 16.0f, 20.0f, 24.0f}));
}

TEST(PoolTest, Uint8MaxPool) {
  Tensor x = Tensor::FromVector(DType::kU8, {1, 1, 2, 2}, std::vector<uint8_t>{3, 250, 7, 9});
  PoolParams p;
  p.kernel_shape = {2, 2};
  rt::Result<MaxPoolResult> m = MaxPool(x, p, false);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->values.data<uint8_t>()[0], 250);
}

TEST(PoolTest, RejectsBadAttributes) {
  PoolParams p;
  p.kernel_shape = {2};
  rt::Result<MaxPoolResult> m = MaxPool(Iota({1, 1, 4, 4}), p, false);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), HasSubstr("kernel shape"));
  p.kernel_shape = {5, 5};
  rt::Result<Tensor> a = AveragePool(Iota({1, 1, 4, 4}), p);
  ASSERT_FALSE(a.ok());
  EXPECT_THAT(a.status().message(), HasSubstr("exceeds"));
  EXPECT_FALSE(GlobalAveragePool(Iota({4, 4})).ok());
}

}  // namespace
}  // namespace kiln::ref
