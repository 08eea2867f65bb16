#include "runtime/reference/kernels/einsum.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace kiln::ref {
namespace {

using ::testing::HasSubstr;

std::vector<float> Random(int64_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = dist(rng);
  return v;
}

std::vector<float> Values(const Tensor& t) {
  return std::vector<float>(t.data<float>(), t.data<float>() + t.num_elements());
}

// Relative tolerance, with sums of a few products of O(1) values as the scale.
void ExpectClose(const std::vector<float>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], 1e-5 * std::max(1.0, std::abs(want[i]))) << "element " << i;
  }
}

TEST(EinsumTest, BatchMatMul) {
  const std::vector<float> a = Random(5 * 2 * 3, 1), b = Random(5 * 3 * 4, 2);
  std::vector<Tensor> ops = {Tensor::FromVector(DType::kF32, {5, 2, 3}, a),
                             Tensor::FromVector(DType::kF32, {5, 3, 4}, b)};
  rt::Result<Tensor> y = Einsum("bij, bjk -> bik", ops);
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->shape(), (Shape{5, 2, 4}));
  std::vector<double> want;
  for (int bi = 0; bi < 5; ++bi)
    for (int i = 0; i < 2; ++i)
      for (int k = 0; k < 4; ++k) {
        double s = 0;
        for (int j = 0; j < 3; ++j) s += double(a[bi * 6 + i * 3 + j]) * b[bi * 12 + j * 4 + k];
        want.push_back(s);
      }
  ExpectClose(Values(*y), want);
}

TEST(EinsumTest, TransposeExplicitAndImplicit) {
  const std::vector<float> x = Random(12, 3);
  std::vector<Tensor> ops = {Tensor::FromVector(DType::kF32, {3, 4}, x)};
  std::vector<double> transposed;
  for (int j = 0; j < 4; ++j)
    for (int i = 0; i < 3; ++i) transposed.push_back(x[i * 4 + j]);
  // "ji" has the implicit output "ij" (letters in alphabetical order): a transpose too.
  for (const char* eq : {"ij->ji", "ji"}) {
    rt::Result<Tensor> y = Einsum(eq, ops);
    ASSERT_TRUE(y.ok()) << y.status().message();
    EXPECT_EQ(y->shape(), (Shape{4, 3})) << eq;
    ExpectClose(Values(*y), transposed);
  }
  rt::Result<Tensor> same = Einsum("ij", ops);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(Values(*same), x);
}

TEST(EinsumTest, TraceDiagonalAndBatchDiagonal) {
  const std::vector<float> x = Random(3 * 4 * 4, 4);
  std::vector<Tensor> ops = {Tensor::FromVector(DType::kF32, {3, 4, 4}, x)};
  rt::Result<Tensor> diag = Einsum("...ii ->...i", ops);
  ASSERT_TRUE(diag.ok()) << diag.status().message();
  ASSERT_EQ(diag->shape(), (Shape{3, 4}));
  std::vector<double> want;
  for (int b = 0; b < 3; ++b)
    for (int i = 0; i < 4; ++i) want.push_back(x[b * 16 + i * 5]);
  ExpectClose(Values(*diag), want);

  rt::Result<Tensor> traces = Einsum("bii->b", ops);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  std::vector<double> want_traces(3, 0.0);
  for (int b = 0; b < 3; ++b)
    for (int i = 0; i < 4; ++i) want_traces[b] += x[b * 16 + i * 5];
  ExpectClose(Values(*traces), want_traces);

  std::vector<Tensor> matrix = {Tensor::FromVector(DType::kF32, {4, 4}, Random(16, 5))};
  rt::Result<Tensor> trace = Einsum("ii", matrix);
  ASSERT_TRUE(trace.ok()) << trace.status().message();
  EXPECT_EQ(trace->shape(), Shape{});
  double t = 0;
  for (int i = 0; i < 4; ++i) t += matrix[0].data<float>()[i * 5];
  ExpectClose(Values(*trace), {t});
}

TEST(EinsumTest, InnerOuterAndRowSums) {
  const std::vector<float> a = Random(5, 6), b = Random(3, 7);
  std::vector<Tensor> inner = {Tensor::FromVector(DType::kF32, {5}, a),
                               Tensor::FromVector(DType::kF32, {5}, a)};
  rt::Result<Tensor> dot = Einsum("i,i", inner);
  ASSERT_TRUE(dot.ok()) << dot.status().message();
  double d = 0;
  for (float v : a) d += double(v) * v;
  ExpectClose(Values(*dot), {d});

  std::vector<Tensor> outer_ops = {Tensor::FromVector(DType::kF32, {5}, a),
                                   Tensor::FromVector(DType::kF32, {3}, b)};
  rt::Result<Tensor> outer = Einsum("i,j", outer_ops);
  ASSERT_TRUE(outer.ok()) << outer.status().message();
  ASSERT_EQ(outer->shape(), (Shape{5, 3}));
  std::vector<double> want_outer;
  for (float u : a)
    for (float v : b) want_outer.push_back(double(u) * v);
  ExpectClose(Values(*outer), want_outer);

  std::vector<Tensor> m = {Tensor::FromVector(DType::kF32, {5, 3}, Random(15, 8))};
  rt::Result<Tensor> rows = Einsum("ij->i", m);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  std::vector<double> want_rows(5, 0.0);
  for (int i = 0; i < 15; ++i) want_rows[i / 3] += m[0].data<float>()[i];
  ExpectClose(Values(*rows), want_rows);
}

TEST(EinsumTest, EllipsisBroadcastsLeadingDims) {
  // [2,1,2,3] x [4,3,2]: the "..." dims [2,1] and [4] broadcast to [2,4].
  const std::vector<float> a = Random(12, 9), b = Random(24, 10);
  std::vector<Tensor> ops = {Tensor::FromVector(DType::kF32, {2, 1, 2, 3}, a),
                             Tensor::FromVector(DType::kF32, {4, 3, 2}, b)};
  rt::Result<Tensor> y = Einsum("...ij,...jk", ops);
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->shape(), (Shape{2, 4, 2, 2}));
  std::vector<double> want;
  for (int p = 0; p < 2; ++p)
    for (int q = 0; q < 4; ++q)
      for (int i = 0; i < 2; ++i)
        for (int k = 0; k < 2; ++k) {
          double s = 0;
          for (int j = 0; j < 3; ++j) s += double(a[p * 6 + i * 3 + j]) * b[q * 6 + j * 2 + k];
          want.push_back(s);
        }
  ExpectClose(Values(*y), want);
}

TEST(EinsumTest, ThreeOperandChain) {
  const std::vector<float> a = Random(6, 11), b = Random(12, 12), c = Random(8, 13);
  std::vector<Tensor> ops = {Tensor::FromVector(DType::kF32, {2, 3}, a),
                             Tensor::FromVector(DType::kF32, {3, 4}, b),
                             Tensor::FromVector(DType::kF32, {4, 2}, c)};
  rt::Result<Tensor> y = Einsum("ij,jk,kl->il", ops);
  ASSERT_TRUE(y.ok()) << y.status().message();
  std::vector<double> ab(8, 0.0), want(4, 0.0);
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 4; ++k)
      for (int j = 0; j < 3; ++j) ab[i * 4 + k] += double(a[i * 3 + j]) * b[j * 4 + k];
  for (int i = 0; i < 2; ++i)
    for (int l = 0; l < 2; ++l)
      for (int k = 0; k < 4; ++k) want[i * 2 + l] += ab[i * 4 + k] * c[k * 2 + l];
  ExpectClose(Values(*y), want);
}

TEST(EinsumTest, Integers) {
  std::vector<Tensor> ops = {
      Tensor::FromVector(DType::kI32, {2, 3}, std::vector<int32_t>{1, -2, 3, 4, 5, -6}),
      Tensor::FromVector(DType::kI32, {3}, std::vector<int32_t>{7, 8, -9})};
  rt::Result<Tensor> y = Einsum("ij,j->i", ops);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(std::vector<int32_t>(y->data<int32_t>(), y->data<int32_t>() + 2),
            (std::vector<int32_t>{7 - 16 - 27, 28 + 40 + 54}));
}

TEST(EinsumTest, DoublesUseTheLoops) {
  std::vector<Tensor> ops = {
      Tensor::FromVector(DType::kF64, {2, 2}, std::vector<double>{1, 2, 3, 4}),
      Tensor::FromVector(DType::kF64, {2, 2}, std::vector<double>{0.5, -1, 2, 0.25})};
  rt::Result<Tensor> y = Einsum("ij,jk->ik", ops);
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->dtype(), DType::kF64);
  const std::vector<double> want = {4.5, -0.5, 9.5, -2.0};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(y->data<double>()[i], want[i], 1e-15 * 10);
}

TEST(EinsumTest, MatMulFastPathMatchesLoops) {
  struct Case {
    const char* equation;
    Shape a, b;
  };
  // The first group fits the matmul fast path; the rest fall back to the loops.
  const std::vector<Case> cases = {{"bij,bjk->bik", {3, 4, 5}, {3, 5, 2}},
                                   {"bij,bkj->bki", {3, 4, 5}, {3, 6, 5}},
                                   {"bhqd,bhkd->bhqk", {2, 3, 4, 8}, {2, 3, 5, 8}},
                                   {"abc,cd->dba", {2, 3, 4}, {4, 5}},
                                   {"ij,ji->j", {4, 6}, {6, 4}},
                                   {"ij,ij", {4, 6}, {4, 6}},
                                   {"i,j", {4}, {6}},
                                   {"ij,jk->i", {4, 6}, {6, 3}},
                                   {"ii,ij->j", {4, 4}, {4, 3}},
                                   {"...ij,jk", {1, 4, 6}, {6, 3}}};
  unsigned seed = 100;
  for (const Case& c : cases) {
    std::vector<Tensor> ops = {
        Tensor::FromVector(DType::kF32, c.a, Random(NumElements(c.a), ++seed)),
        Tensor::FromVector(DType::kF32, c.b, Random(NumElements(c.b), ++seed))};
    rt::Result<Tensor> fast = Einsum(c.equation, ops, 2);
    rt::Result<Tensor> slow = EinsumByLoops(c.equation, ops);
    ASSERT_TRUE(fast.ok()) << c.equation << ": " << fast.status().message();
    ASSERT_TRUE(slow.ok()) << c.equation << ": " << slow.status().message();
    ASSERT_EQ(fast->shape(), slow->shape()) << c.equation;
    const std::vector<float> want = Values(*slow);
    ExpectClose(Values(*fast), std::vector<double>(want.begin(), want.end()));
  }
}

TEST(EinsumTest, RejectsMalformedEquations) {
  std::vector<Tensor> two = {Tensor::FromVector(DType::kF32, {2, 3}, Random(6, 14)),
                             Tensor::FromVector(DType::kF32, {4, 2}, Random(8, 15))};
  EXPECT_THAT(Einsum("ij->i", two).status().message(), HasSubstr("2 operands"));
  EXPECT_THAT(Einsum("ij,jk->ik", two).status().message(), HasSubstr("size"));
  EXPECT_THAT(Einsum("ijk,jk->i", two).status().message(), HasSubstr("does not fit"));
  EXPECT_THAT(Einsum("ij,k1->i", two).status().message(), HasSubstr("unexpected character"));
  EXPECT_THAT(Einsum("ij,ki->z", two).status().message(), HasSubstr("not in any input"));
  EXPECT_THAT(Einsum("ij,ki->ii", two).status().message(), HasSubstr("repeats"));
  EXPECT_THAT(Einsum("i..j,ki", two).status().message(), HasSubstr("malformed"));
}

}  // namespace
}  // namespace kiln::ref
