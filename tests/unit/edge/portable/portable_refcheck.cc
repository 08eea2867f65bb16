// x86 only: the portable edge kernels against the reference runtime's kernels (the oracle of
// every other Kiln kernel) on transformer-like shapes: layer norm, softmax, matmul and gelu.
// The rest of the portable tests check against naive loops and need no reference runtime.
#include <gtest/gtest.h>

#include <vector>

#include "runtime/edge/portable/layer_norm.h"
#include "runtime/edge/portable/matmul.h"
#include "runtime/edge/portable/softmax.h"
#include "runtime/edge/portable/unary.h"
#include "runtime/reference/kernels/layer_norm.h"
#include "runtime/reference/kernels/matmul.h"
#include "runtime/reference/kernels/softmax.h"
#include "runtime/reference/kernels/unary.h"
#include "tests/unit/edge/portable/test_tensors.h"

namespace kiln::edge::portable {
namespace {

using ref::Tensor;
using testing::AllClose;
using testing::RandomFloats;

std::vector<double> Values(const Tensor& t) {
  const float* p = t.data<float>();
  return std::vector<double>(p, p + t.num_elements());
}

Tensor F32(const std::vector<int64_t>& dims, const std::vector<float>& v) {
  return Tensor::FromVector(ref::DType::kF32, dims, v);
}

TEST(PortableRefcheck, LayerNormMatchesReference) {
  const std::vector<int64_t> dims = {2, 16, 96};
  const std::vector<float> x = RandomFloats(2 * 16 * 96, 1, -3.0f, 5.0f);
  const std::vector<float> scale = RandomFloats(96, 2), bias = RandomFloats(96, 3);
  std::vector<float> y(x.size());
  LayerNorm(x.data(), dims, 2, scale.data(), bias.data(), 1e-5f, y.data());
  const Tensor bias_t = F32({96}, bias);
  auto want = ref::LayerNorm(F32(dims, x), F32({96}, scale), &bias_t, -1, 1e-5f, false);
  ASSERT_TRUE(want.ok()) << want.status().message();
  EXPECT_TRUE(AllClose(y, Values(want->y), 1e-5, 1e-5));
}

TEST(PortableRefcheck, SoftmaxMatchesReferenceOnEveryAxis) {
  const std::vector<int64_t> dims = {3, 5, 70};
  const std::vector<float> x = RandomFloats(3 * 5 * 70, 4, -8.0f, 8.0f);
  for (int axis = 0; axis < 3; ++axis) {
    for (bool log : {false, true}) {
      std::vector<float> y(x.size());
      Softmax(x.data(), dims, axis, log, y.data());
      auto want = ref::Softmax(F32(dims, x), axis, log);
      ASSERT_TRUE(want.ok()) << want.status().message();
      EXPECT_TRUE(AllClose(y, Values(*want), 1e-5, 1e-7)) << "axis " << axis << " log " << log;
    }
  }
}

TEST(PortableRefcheck, BatchedMatMulMatchesReference) {
  const std::vector<int64_t> a_dims = {2, 1, 37, 64}, b_dims = {3, 64, 70};
  const std::vector<float> a = RandomFloats(2 * 37 * 64, 5), b = RandomFloats(3 * 64 * 70, 6);
  std::vector<float> y(2 * 3 * 37 * 70);
  MatMul(a.data(), a_dims, b.data(), b_dims, y.data());
  auto want = ref::MatMul(F32(a_dims, a), F32(b_dims, b));
  ASSERT_TRUE(want.ok()) << want.status().message();
  ASSERT_EQ(want->shape(), (std::vector<int64_t>{2, 3, 37, 70}));
  // Sums of 64 products of values in [-1, 1]: an absolute bound well above float rounding.
  EXPECT_TRUE(AllClose(y, Values(*want), 1e-5, 1e-5));
}

// The reference evaluates the gelus in f32, and the steep negative tails amplify the
// rounding of the argument (erfc(z) by ~2z^2 ulp): measured 4e-6 (gelu) and 6e-6 (gelu_tanh)
// relative at x near -8. The portable kernels compute in double (unary_test holds them to
// 1e-6 of the exact function), so the tails get 2e-5 and the body [-3, 3] 1e-6.
TEST(PortableRefcheck, GeluMatchesReference) {
  for (auto [range, rtol] : {std::pair{8.0f, 2e-5}, std::pair{3.0f, 1e-6}}) {
    const std::vector<float> x = RandomFloats(4096, 7, -range, range);
    for (auto [kind, op] : {std::pair{UnaryKind::kGelu, ref::UnaryOp::kGelu},
                            std::pair{UnaryKind::kGeluTanh, ref::UnaryOp::kGeluTanh}}) {
      std::vector<float> y(x.size());
      Unary(kind, x.data(), static_cast<int64_t>(x.size()), 0.0f, 0.0f, y.data());
      auto want = ref::Unary(op, F32({4096}, x));
      ASSERT_TRUE(want.ok()) << want.status().message();
      EXPECT_TRUE(AllClose(y, Values(*want), rtol, 1e-30))
          << UnaryKindName(kind) << " on [-" << range << ", " << range << "]";
    }
  }
}

}  // namespace
}  // namespace kiln::edge::portable
