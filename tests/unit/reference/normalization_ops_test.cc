// The normalization op kernels read attributes and defaults; the arithmetic is covered by
// batch_norm_test.cc, layer_norm_test.cc and instance_norm_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ir/builder.h"
#include "ir/context.h"
#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {
namespace {

using ::testing::HasSubstr;

class NormalizationOpsTest : public ::testing::Test {
 protected:
  NormalizationOpsTest() { RegisterNormalizationOps(table_); }
  Status Run(const ir::Op& op, const std::vector<const Tensor*>& operands) {
    results_.assign(op.num_results(), Tensor());
    OpKernelContext ctx{op, operands, results_, 1};
    return table_.Find(op.kind())(ctx);
  }
  static Tensor F32(const Shape& shape, std::vector<float> v) {
    return Tensor::FromVector(DType::kF32, shape, v);
  }

  ir::Context ctx_;
  ir::Graph g_{ctx_};
  ir::Builder b_{g_};
  OpKernelTable table_;
  std::vector<Tensor> results_;
};

TEST_F(NormalizationOpsTest, BatchNormDefaultEpsilonAndTrainingModeError) {
  ir::Value* x = g_.AddInput("x", b_.F32({1, 2, 1, 1}));
  ir::Value* p = g_.AddInput("p", b_.F32(std::vector<int64_t>{2}));
  ir::Op* op = b_.CreateOp(ir::OpKind::kBatchNorm, {x, p, p, p, p}, {b_.F32({1, 2, 1, 1})});
  Tensor xt = F32({1, 2, 1, 1}, {3.0f, 5.0f}), pt = F32({2}, {1.0f, 1.0f});
  Status s = Run(*op, {&xt, &pt, &pt, &pt, &pt});
  ASSERT_TRUE(s.ok()) << s.message();
  // (x - 1) / sqrt(1 + 1e-5) + 1.
  const double k = 1.0 / std::sqrt(1.0 + 1e-5);
  EXPECT_NEAR(results_[0].data<float>()[0], 2.0 * k + 1.0, 1e-6 * 3.0);
  EXPECT_NEAR(results_[0].data<float>()[1], 4.0 * k + 1.0, 1e-6 * 5.0);

  ir::AttrMap training;
  training.Set("training_mode", int64_t{1});
  ir::Op* train =
      b_.CreateOp(ir::OpKind::kBatchNorm, {x, p, p, p, p}, {b_.F32({1, 2, 1, 1})}, training);
  s = Run(*train, {&xt, &pt, &pt, &pt, &pt});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("training"));
}

TEST_F(NormalizationOpsTest, LayerNormResultsAndDefaultAxis) {
  ir::Value* x = g_.AddInput("x", b_.F32({2, 2}));
  ir::Value* scale = g_.AddInput("scale", b_.F32(std::vector<int64_t>{2}));
  ir::Op* op = b_.CreateOp(ir::OpKind::kLayerNorm, {x, scale},
                           {b_.F32({2, 2}), b_.F32({2, 1}), b_.F32({2, 1})});
  Tensor xt = F32({2, 2}, {1.0f, 3.0f, -2.0f, 2.0f}), st = F32({2}, {1.0f, 2.0f});
  Status s = Run(*op, {&xt, &st});
  ASSERT_TRUE(s.ok()) << s.message();
  // Rows: mean 2, var 1 and mean 0, var 4; epsilon 1e-5.
  const double inv0 = 1.0 / std::sqrt(1.0 + 1e-5), inv1 = 1.0 / std::sqrt(4.0 + 1e-5);
  EXPECT_NEAR(results_[0].data<float>()[1], 2.0 * inv0, 1e-6 * 2.0);
  EXPECT_NEAR(results_[0].data<float>()[2], -2.0 * inv1, 1e-6);
  EXPECT_EQ(results_[1].shape(), (Shape{2, 1}));
  EXPECT_NEAR(results_[1].data<float>()[0], 2.0, 1e-6 * 2.0);
  EXPECT_NEAR(results_[2].data<float>()[1], inv1, 1e-6 * inv1);
}

TEST_F(NormalizationOpsTest, InstanceNormReadsEpsilon) {
  ir::Value* x = g_.AddInput("x", b_.F32({1, 1, 2}));
  ir::Value* p = g_.AddInput("p", b_.F32(std::vector<int64_t>{1}));
  ir::AttrMap attrs;
  attrs.Set("epsilon", 3.0);
  ir::Op* op = b_.CreateOp(ir::OpKind::kInstanceNorm, {x, p, p}, {b_.F32({1, 1, 2})}, attrs);
  Tensor xt = F32({1, 1, 2}, {0.0f, 2.0f}), one = F32({1}, {1.0f});
  Status s = Run(*op, {&xt, &one, &one});
  ASSERT_TRUE(s.ok()) << s.message();
  // mean 1, var 1: (x - 1) / sqrt(1 + 3) + 1.
  EXPECT_NEAR(results_[0].data<float>()[0], 0.5, 1e-6);
  EXPECT_NEAR(results_[0].data<float>()[1], 1.5, 1e-6 * 1.5);
}

}  // namespace
}  // namespace kiln::ref
