// The oneDNN gemm, matmul and linear kernels against ref::Gemm / ref::MatMul (+ bias add and the
// reference activation): max |d| / max |ref| <= 1e-5.
#include <gtest/gtest.h>

#include "runtime/reference/kernels/binary.h"
#include "runtime/reference/kernels/gemm.h"
#include "runtime/reference/kernels/matmul.h"
#include "tests/unit/cloud/kernel_harness.h"

namespace kiln::cloud::testing {
namespace {

struct GemmCase {
  std::string name;
  ref::Shape a, b, c;  // c empty: no C
  ref::GemmParams p;
  bool b_constant = true;
  bool c_constant = true;
  std::string activation = "";
};

void CheckGemm(const GemmCase& g) {
  SCOPED_TRACE(g.name);
  const ref::Tensor a = Random(g.a, 1), b = Random(g.b, 2);
  const ref::Tensor c = g.c.empty() ? ref::Tensor() : Random(g.c, 3);
  TestAttrs attrs = {{"alpha", static_cast<double>(g.p.alpha)},
                     {"beta", static_cast<double>(g.p.beta)},
                     {"trans_a", int64_t{g.p.trans_a}},
                     {"trans_b", int64_t{g.p.trans_b}}};
  for (TestAttr& x : ActivationAttrs(g.activation, 0.0, 6.0)) attrs.push_back(x);
  const ref::Tensor want = ReferenceActivation(*ref::Gemm(a, b, g.c.empty() ? nullptr : &c, g.p),
                                               g.activation, 0.0f, 6.0f);
  std::vector<PlainOperand> inputs = {In(a), g.b_constant ? Const(b) : In(b)};
  if (!g.c.empty()) inputs.push_back(g.c_constant ? Const(c) : In(c));
  rt::Result<std::vector<ref::Tensor>> got = RunKernel("gemm", inputs, attrs);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(Near(got->at(0), want, kTolerance));
}

TEST(DnnlGemmKernel, MatchesReference) {
  const std::vector<GemmCase> cases = {
      {"fc: B^T, C [N]", {4, 64}, {32, 64}, {32}, {.trans_b = true}},
      {"plain", {5, 16}, {16, 24}, {24}, {}},
      {"no C", {5, 16}, {16, 24}, {}, {}},
      {"trans_a", {16, 5}, {16, 24}, {24}, {.trans_a = true}},
      {"trans_a trans_b", {16, 5}, {24, 16}, {1, 24}, {.trans_a = true, .trans_b = true}},
      {"alpha beta", {5, 16}, {16, 24}, {24}, {.alpha = 0.5f, .beta = 2.0f}},
      {"beta 0 ignores C", {5, 16}, {16, 24}, {24}, {.beta = 0.0f}},
      {"C [M, 1]", {5, 16}, {16, 24}, {5, 1}, {.beta = 0.75f}},
      {"C [M, N]", {5, 16}, {16, 24}, {5, 24}, {}},
      {"C scalar", {5, 16}, {16, 24}, {1}, {.alpha = 2.0f, .beta = 3.0f}},
      {"runtime B", {5, 16}, {16, 24}, {24}, {.alpha = 0.5f}, false},
      {"runtime B trans_b", {5, 16}, {24, 16}, {24}, {.alpha = 1.5f, .trans_b = true}, false},
      {"runtime C", {5, 16}, {16, 24}, {24}, {}, true, false},
      {"runtime C beta", {5, 16}, {16, 24}, {5, 24}, {.alpha = 0.25f, .beta = 0.5f}, true, false},
      {"runtime B and C", {5, 16}, {16, 24}, {24}, {.alpha = 2.0f, .beta = 0.5f}, false, false},
      {"fused relu6", {4, 64}, {32, 64}, {32}, {.trans_b = true}, true, true, "clip"},
  };
  for (const GemmCase& g : cases) CheckGemm(g);
}

void CheckMatMul(const ref::Shape& as, const ref::Shape& bs, bool b_constant,
                 const std::string& activation = "") {
  SCOPED_TRACE(ref::ShapeString(as) + " x " + ref::ShapeString(bs) +
               (b_constant ? " constant B" : "") + " " + activation);
  const ref::Tensor a = Random(as, 4), b = Random(bs, 5);
  const ref::Tensor want = ReferenceActivation(*ref::MatMul(a, b), activation);
  rt::Result<std::vector<ref::Tensor>> got =
      RunKernel("matmul", {In(a), b_constant ? Const(b) : In(b)}, ActivationAttrs(activation));
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(Near(got->at(0), want, kTolerance));
}

TEST(DnnlMatMulKernel, MatchesReference) {
  for (bool constant : {false, true}) {
    CheckMatMul({7, 16}, {16, 9}, constant);
    CheckMatMul({3, 7, 16}, {3, 16, 9}, constant);
    CheckMatMul({3, 7, 16}, {16, 9}, constant);           // B broadcast over the batch
    CheckMatMul({2, 3, 7, 16}, {3, 16, 9}, constant);     // 4-D with 3-D
    CheckMatMul({2, 1, 7, 16}, {1, 4, 16, 9}, constant);  // both broadcast
    CheckMatMul({1, 7, 16}, {4, 16, 9}, constant);        // A broadcast over the batch
    CheckMatMul({16}, {16, 9}, constant);                 // 1-D A
    CheckMatMul({2, 7, 16}, {16}, constant);              // 1-D B
  }
  CheckMatMul({4, 8, 32}, {32, 16}, true, "gelu");
  CheckMatMul({2, 4, 8, 32}, {2, 4, 32, 8}, false, "sigmoid");
}

void CheckLinear(const ref::Shape& xs, int64_t n, bool bias, const std::string& activation = "") {
  SCOPED_TRACE(ref::ShapeString(xs) + " -> " + std::to_string(n) + " " + activation);
  const ref::Tensor x = Random(xs, 6), w = Random({xs.back(), n}, 7), b = Random({n}, 8);
  ref::Tensor want = *ref::MatMul(x, w);
  if (bias) want = *ref::Binary(ref::BinaryOp::kAdd, want, b);
  want = ReferenceActivation(want, activation);
  rt::Result<std::vector<ref::Tensor>> got = RunKernel(
      "linear", {In(x), Const(w), bias ? Const(b) : Absent()}, ActivationAttrs(activation));
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(Near(got->at(0), want, kTolerance));
}

TEST(DnnlLinearKernel, MatchesReference) {
  CheckLinear({8, 32}, 16, true);
  CheckLinear({8, 32}, 16, false);
  CheckLinear({2, 5, 32}, 48, true);
  CheckLinear({2, 5, 32}, 48, true, "gelu");
  CheckLinear({2, 5, 32}, 48, true, "relu");
  CheckLinear({2, 3, 5, 8}, 4, true, "silu");
  CheckLinear({32}, 16, true);
}

// linear(x, w, b, residual): act(x w + b + residual), the residual added by a sum post-op.
TEST(DnnlLinearKernel, Residual) {
  for (const ref::Shape& xs : std::vector<ref::Shape>{{6, 32}, {2, 5, 32}}) {
    for (const std::string activation : {"", "gelu"}) {
      for (bool bias : {true, false}) {
        for (int alias : {-1, 3}) {
          SCOPED_TRACE(ref::ShapeString(xs) + " " + activation + (bias ? " bias" : "") +
                       (alias >= 0 ? " in place" : ""));
          const ref::Tensor x = Random(xs, 12), w = Random({32, 24}, 13), b = Random({24}, 14);
          ref::Tensor want = *ref::MatMul(x, w);
          if (bias) want = *ref::Binary(ref::BinaryOp::kAdd, want, b);
          const ref::Tensor residual = Random(want.shape(), 15);
          want = ReferenceActivation(*ref::Binary(ref::BinaryOp::kAdd, want, residual), activation);
          rt::Result<std::vector<ref::Tensor>> got =
              RunKernel("linear", {In(x), Const(w), bias ? Const(b) : Absent(), In(residual)},
                        ActivationAttrs(activation), {.output_aliases_input = alias});
          ASSERT_TRUE(got.ok()) << got.status().message();
          EXPECT_TRUE(Near(got->at(0), want, kTolerance));
        }
      }
    }
  }
  // With a run-time bias (a binary-add post-op before the sum).
  const ref::Tensor x = Random({4, 16}, 16), w = Random({16, 8}, 17), b = Random({8}, 18),
                    r = Random({4, 8}, 19);
  const ref::Tensor want = *ref::Binary(
      ref::BinaryOp::kAdd, *ref::Binary(ref::BinaryOp::kAdd, *ref::MatMul(x, w), b), r);
  rt::Result<std::vector<ref::Tensor>> got = RunKernel("linear", {In(x), Const(w), In(b), In(r)});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(Near(got->at(0), want, kTolerance));
  got = RunKernel("linear", {In(x), Const(w), In(b), In(Random({8}, 20))});
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("the residual has shape [8]"), std::string::npos)
      << got.status().message();
}

TEST(DnnlLinearKernel, RuntimeBiasAndWeight) {
  const ref::Tensor x = Random({3, 4, 16}, 9), w = Random({16, 8}, 10), b = Random({8}, 11);
  const ref::Tensor want = *ref::Binary(ref::BinaryOp::kAdd, *ref::MatMul(x, w), b);
  rt::Result<std::vector<ref::Tensor>> got = RunKernel("linear", {In(x), In(w), In(b)});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(Near(got->at(0), want, kTolerance));
}

TEST(DnnlMatMulKernels, RejectBadShapes) {
  rt::Result<std::vector<ref::Tensor>> r =
      RunKernel("matmul", {In(Random({3, 4}, 1)), In(Random({5, 6}, 2))});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("op 0 ('test_op', matmul): shapes [3,4] and [5,6]"),
            std::string::npos)
      << r.status().message();
  r = RunKernel("linear", {In(Random({3, 4}, 1)), Const(Random({5, 6}, 2))});
  ASSERT_FALSE(r.ok());
  r = RunKernel("gemm", {In(Random({3, 4}, 1)), Const(Random({4, 6}, 2)), Const(Random({4}, 3))});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("does not broadcast"), std::string::npos)
      << r.status().message();
  r = RunKernel("gemm", {In(Random({2, 3, 4}, 1)), Const(Random({4, 6}, 2))});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expected rank 2"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace kiln::cloud::testing
