// The recurrent op kernels read attributes (activations with their alphas and betas,
// direction, clip, layout) and fill as many results as the op has; the arithmetic is covered
// by recurrent_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ir/builder.h"
#include "ir/context.h"
#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {
namespace {

using ::testing::HasSubstr;

class RecurrentOpsTest : public ::testing::Test {
 protected:
  RecurrentOpsTest() { RegisterRecurrentOps(table_); }
  Status Run(const ir::Op& op, const std::vector<const Tensor*>& operands) {
    results_.assign(op.num_results(), Tensor());
    OpKernelContext ctx{op, operands, results_, 1};
    return table_.Find(op.kind())(ctx);
  }
  static Tensor F32(const Shape& shape, std::vector<float> v) {
    return Tensor::FromVector(DType::kF32, shape, v);
  }
  ir::Value* Input(const char* name, const std::vector<int64_t>& shape) {
    return g_.AddInput(name, b_.F32(shape));
  }

  ir::Context ctx_;
  ir::Graph g_{ctx_};
  ir::Builder b_{g_};
  OpKernelTable table_;
  std::vector<Tensor> results_;
};

TEST_F(RecurrentOpsTest, RnnActivationAlphaBetaAndClip) {
  // hidden 1, input 1, W = 1, R = 0: Y_t = f(x_t).
  ir::Value* x = Input("x", {3, 1, 1});
  ir::Value* w = Input("w", {1, 1, 1});
  ir::Value* r = Input("r", {1, 1, 1});
  ir::AttrMap attrs;
  attrs.Set("hidden_size", int64_t{1});
  attrs.Set("activations", std::vector<std::string>{"Affine"});
  attrs.Set("activation_alpha", std::vector<double>{2.0});
  attrs.Set("activation_beta", std::vector<double>{1.0});
  attrs.Set("clip", 2.5);
  ir::Op* op =
      b_.CreateOp(ir::OpKind::kRnn, {x, w, r}, {b_.F32({3, 1, 1, 1}), b_.F32({1, 1, 1})}, attrs);
  Tensor xt = F32({3, 1, 1}, {0.5f, -1.0f, 4.0f}), wt = F32({1, 1, 1}, {1}),
         rt_ = F32({1, 1, 1}, {0});
  Status s = Run(*op, {&xt, &wt, &rt_});
  ASSERT_TRUE(s.ok()) << s.message();
  // 2 * clip(x) + 1; the last step clips 4 to 2.5.
  EXPECT_EQ(std::vector<float>(results_[0].data<float>(), results_[0].data<float>() + 3),
            (std::vector<float>{2.0f, -1.0f, 6.0f}));
  EXPECT_EQ(results_[1].data<float>()[0], 6.0f);
}

TEST_F(RecurrentOpsTest, LstmFillsAllThreeResultsAndReverseDirection) {
  ir::Value* x = Input("x", {2, 1, 1});
  ir::Value* w = Input("w", {1, 4, 1});
  ir::Value* r = Input("r", {1, 4, 1});
  ir::AttrMap attrs;
  attrs.Set("direction", std::string("reverse"));
  ir::Op* op = b_.CreateOp(ir::OpKind::kLstm, {x, w, r},
                           {b_.F32({2, 1, 1, 1}), b_.F32({1, 1, 1}), b_.F32({1, 1, 1})}, attrs);
  Tensor xt = F32({2, 1, 1}, {1.0f, 2.0f}), wt = F32({1, 4, 1}, {1, 1, 1, 1});
  Tensor rt_ = F32({1, 4, 1}, {0, 0, 0, 0});
  Status s = Run(*op, {&xt, &wt, &rt_});
  ASSERT_TRUE(s.ok()) << s.message();
  // With R = 0 each step sees only its input: from zero state, c = sig(x) tanh(x) at the
  // first step processed (t = 1), then c' = sig(x0) c + sig(x0) tanh(x0) at t = 0.
  auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  const double c1 = sig(2) * std::tanh(2.0);
  const double c0 = sig(1) * c1 + sig(1) * std::tanh(1.0);
  const double h1 = sig(2) * std::tanh(c1), h0 = sig(1) * std::tanh(c0);
  EXPECT_LT(std::abs(results_[0].data<float>()[1] - h1) / h1, 1e-6);
  EXPECT_LT(std::abs(results_[0].data<float>()[0] - h0) / h0, 1e-6);
  EXPECT_LT(std::abs(results_[1].data<float>()[0] - h0) / h0, 1e-6);  // Y_h: last step, t = 0
  EXPECT_LT(std::abs(results_[2].data<float>()[0] - c0) / c0, 1e-6);
}

TEST_F(RecurrentOpsTest, GruWithOneResultAndBadDirection) {
  ir::Value* x = Input("x", {1, 1, 1});
  ir::Value* w = Input("w", {1, 3, 1});
  ir::Value* r = Input("r", {1, 3, 1});
  Tensor xt = F32({1, 1, 1}, {1}), wt = F32({1, 3, 1}, {0, 0, 1}), rt_ = F32({1, 3, 1}, {0, 0, 0});
  ir::Op* op = b_.CreateOp(ir::OpKind::kGru, {x, w, r}, {b_.F32({1, 1, 1, 1})});
  Status s = Run(*op, {&xt, &wt, &rt_});
  ASSERT_TRUE(s.ok()) << s.message();
  // z = sig(0) = 0.5, h = 0.5 * tanh(1) + 0.5 * 0.
  EXPECT_LT(std::abs(results_[0].data<float>()[0] - 0.5 * std::tanh(1.0)) / 0.5, 1e-6);

  ir::AttrMap attrs;
  attrs.Set("direction", std::string("sideways"));
  ir::Op* bad = b_.CreateOp(ir::OpKind::kGru, {x, w, r}, {b_.F32({1, 1, 1, 1})}, attrs);
  s = Run(*bad, {&xt, &wt, &rt_});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("sideways"));
}

}  // namespace
}  // namespace kiln::ref
