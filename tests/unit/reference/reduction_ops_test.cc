// The reduction op kernels read attributes and defaults; the arithmetic is covered by
// reduce_test.cc, softmax_test.cc and arg_reduce_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ir/builder.h"
#include "ir/context.h"
#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {
namespace {

using ::testing::ElementsAreArray;

class ReductionOpsTest : public ::testing::Test {
 protected:
  ReductionOpsTest() {
    RegisterReductionOps(table_);
    x_ = Tensor::FromVector(DType::kF32, {2, 3}, std::vector<float>{1, 5, 3, 4, 2, 6});
    xv_ = g_.AddInput("x", b_.F32({2, 3}));
  }
  Status Run(const ir::Op& op) {
    results_.assign(op.num_results(), Tensor());
    std::vector<const Tensor*> operands = {&x_};
    OpKernelContext ctx{op, operands, results_, 1};
    return table_.Find(op.kind())(ctx);
  }
  std::vector<float> Floats() const {
    return std::vector<float>(results_[0].data<float>(),
                              results_[0].data<float>() + results_[0].num_elements());
  }
  std::vector<int64_t> Ints() const {
    return std::vector<int64_t>(results_[0].data<int64_t>(),
                                results_[0].data<int64_t>() + results_[0].num_elements());
  }

  ir::Context ctx_;
  ir::Graph g_{ctx_};
  ir::Builder b_{g_};
  OpKernelTable table_;
  Tensor x_;
  ir::Value* xv_;
  std::vector<Tensor> results_;
};

TEST_F(ReductionOpsTest, ReduceDefaultsKeepDimsAndReduceAll) {
  ir::Op* all = b_.CreateOp(ir::OpKind::kReduceSum, {xv_}, {b_.F32({1, 1})});
  ASSERT_TRUE(Run(*all).ok());
  EXPECT_EQ(results_[0].shape(), (Shape{1, 1}));
  EXPECT_THAT(Floats(), ElementsAreArray({21.0f}));

  ir::AttrMap attrs;
  attrs.Set("axes", std::vector<int64_t>{-1});
  attrs.Set("keepdims", int64_t{0});
  ir::Op* rows =
      b_.CreateOp(ir::OpKind::kReduceMax, {xv_}, {b_.F32(std::vector<int64_t>{2})}, attrs);
  ASSERT_TRUE(Run(*rows).ok());
  EXPECT_THAT(Floats(), ElementsAreArray({5.0f, 6.0f}));

  ir::AttrMap noop;
  noop.Set("noop_with_empty_axes", int64_t{1});
  ir::Op* same = b_.CreateOp(ir::OpKind::kReduceMean, {xv_}, {b_.F32({2, 3})}, noop);
  ASSERT_TRUE(Run(*same).ok());
  EXPECT_EQ(results_[0].shape(), (Shape{2, 3}));

  ir::AttrMap cols;
  cols.Set("axes", std::vector<int64_t>{0});
  ir::Op* l2 = b_.CreateOp(ir::OpKind::kReduceL2, {xv_}, {b_.F32({1, 3})}, cols);
  ASSERT_TRUE(Run(*l2).ok());
  EXPECT_NEAR(Floats()[0], std::sqrt(17.0), 1e-6 * std::sqrt(17.0));
}

TEST_F(ReductionOpsTest, ArgMaxDefaultsToAxisZero) {
  ir::Op* op = b_.CreateOp(ir::OpKind::kArgMax, {xv_}, {b_.Type(ir::ScalarType::kI64, {1, 3})});
  ASSERT_TRUE(Run(*op).ok());
  EXPECT_THAT(Ints(), ElementsAreArray({1, 0, 1}));
  ir::AttrMap attrs;
  attrs.Set("axis", int64_t{1});
  attrs.Set("keepdims", int64_t{0});
  ir::Op* mins = b_.CreateOp(ir::OpKind::kArgMin, {xv_},
                             {b_.Type(ir::ScalarType::kI64, std::vector<int64_t>{2})}, attrs);
  ASSERT_TRUE(Run(*mins).ok());
  EXPECT_THAT(Ints(), ElementsAreArray({0, 1}));
}

TEST_F(ReductionOpsTest, SoftmaxDefaultsToTheLastAxis) {
  ir::Op* op = b_.CreateOp(ir::OpKind::kSoftmax, {xv_}, {b_.F32({2, 3})});
  ASSERT_TRUE(Run(*op).ok());
  std::vector<float> y = Floats();
  EXPECT_NEAR(y[0] + y[1] + y[2], 1.0, 1e-6);
  EXPECT_NEAR(y[3] + y[4] + y[5], 1.0, 1e-6);
  ir::Op* log = b_.CreateOp(ir::OpKind::kLogSoftmax, {xv_}, {b_.F32({2, 3})});
  ASSERT_TRUE(Run(*log).ok());
  EXPECT_NEAR(std::exp(Floats()[1]), y[1], 1e-6);
}

TEST_F(ReductionOpsTest, HardmaxDefaultsToTheLastAxis) {
  ir::Op* op = b_.CreateOp(ir::OpKind::kHardmax, {xv_}, {b_.F32({2, 3})});
  ASSERT_TRUE(Run(*op).ok());
  EXPECT_THAT(Floats(), ElementsAreArray({0.0f, 1.0f, 0.0f, 0.0f, 0.0f, 1.0f}));
  ir::AttrMap attrs;
  attrs.Set("axis", int64_t{0});
  ir::Op* cols = b_.CreateOp(ir::OpKind::kHardmax, {xv_}, {b_.F32({2, 3})}, attrs);
  ASSERT_TRUE(Run(*cols).ok());
  EXPECT_THAT(Floats(), ElementsAreArray({0.0f, 1.0f, 0.0f, 1.0f, 0.0f, 1.0f}));
}

TEST_F(ReductionOpsTest, LogAndL1ReductionsAreRegistered) {
  ir::AttrMap rows;
  rows.Set("axes", std::vector<int64_t>{1});
  rows.Set("keepdims", int64_t{0});
  const std::vector<int64_t> two = {2};
  ir::Op* l1 = b_.CreateOp(ir::OpKind::kReduceL1, {xv_}, {b_.F32(two)}, rows);
  ASSERT_TRUE(Run(*l1).ok());
  EXPECT_THAT(Floats(), ElementsAreArray({9.0f, 12.0f}));
  ir::Op* log_sum = b_.CreateOp(ir::OpKind::kReduceLogSum, {xv_}, {b_.F32(two)}, rows);
  ASSERT_TRUE(Run(*log_sum).ok());
  EXPECT_NEAR(Floats()[1], std::log(12.0), 1e-6 * std::log(12.0));
  ir::Op* lse = b_.CreateOp(ir::OpKind::kReduceLogSumExp, {xv_}, {b_.F32(two)}, rows);
  ASSERT_TRUE(Run(*lse).ok());
  const double want = std::log(std::exp(1.0) + std::exp(5.0) + std::exp(3.0));
  EXPECT_NEAR(Floats()[0], want, 1e-6 * want);
}

}  // namespace
}  // namespace kiln::ref
