// The pooling op kernels read the op's attributes; the arithmetic is covered by pool_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "ir/builder.h"
#include "ir/context.h"
#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

class PoolingOpsTest : public ::testing::Test {
 protected:
  PoolingOpsTest() {
    RegisterPoolingOps(table_);
    std::vector<float> xs(16);
    for (int i = 0; i < 16; ++i) xs[i] = float(i + 1);
    x_ = Tensor::FromVector(DType::kF32, {1, 1, 4, 4}, xs);
    xv_ = g_.AddInput("x", b_.F32({1, 1, 4, 4}));
  }
  Status Run(const ir::Op& op) {
    results_.assign(op.num_results(), Tensor());
    std::vector<const Tensor*> operands = {&x_};
    OpKernelContext ctx{op, operands, results_, 1};
    return table_.Find(op.kind())(ctx);
  }
  std::vector<float> Result() const {
    return std::vector<float>(results_[0].data<float>(),
                              results_[0].data<float>() + results_[0].num_elements());
  }
  static ir::AttrMap Window(std::vector<int64_t> kernel, std::vector<int64_t> strides) {
    ir::AttrMap attrs;
    attrs.Set("kernel_shape", std::move(kernel));
    attrs.Set("strides", std::move(strides));
    return attrs;
  }

  ir::Context ctx_;
  ir::Graph g_{ctx_};
  ir::Builder b_{g_};
  OpKernelTable table_;
  Tensor x_;
  ir::Value* xv_;
  std::vector<Tensor> results_;
};

TEST_F(PoolingOpsTest, MaxPoolWithIndicesAndCeilMode) {
  ir::AttrMap attrs = Window({3, 3}, {2, 2});
  attrs.Set("ceil_mode", int64_t{1});
  ir::Op* op =
      b_.CreateOp(ir::OpKind::kMaxPool, {xv_},
                  {b_.F32({1, 1, 2, 2}), b_.Type(ir::ScalarType::kI64, {1, 1, 2, 2})}, attrs);
  Status s = Run(*op);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_THAT(Result(), ElementsAreArray({11.0f, 12.0f, 15.0f, 16.0f}));
  ASSERT_EQ(results_[1].dtype(), DType::kI64);
  std::vector<int64_t> idx(results_[1].data<int64_t>(), results_[1].data<int64_t>() + 4);
  EXPECT_THAT(idx, ElementsAreArray({10, 11, 14, 15}));
}

TEST_F(PoolingOpsTest, AveragePoolCountIncludePadAndAutoPad) {
  ir::AttrMap attrs = Window({2, 2}, {2, 2});
  attrs.Set("pads", std::vector<int64_t>{1, 1, 1, 1});
  attrs.Set("count_include_pad", int64_t{1});
  ir::Op* op = b_.CreateOp(ir::OpKind::kAveragePool, {xv_}, {b_.F32({1, 1, 3, 3})}, attrs);
  Status s = Run(*op);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_THAT(Result(),
              ElementsAreArray({0.25f, 1.25f, 1.0f, 3.5f, 8.5f, 5.0f, 3.25f, 7.25f, 4.0f}));

  ir::AttrMap same = Window({2, 2}, {1, 1});
  same.Set("auto_pad", std::string("SAME_UPPER"));
  ir::Op* upper = b_.CreateOp(ir::OpKind::kAveragePool, {xv_}, {b_.F32({1, 1, 4, 4})}, same);
  s = Run(*upper);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(results_[0].shape(), (Shape{1, 1, 4, 4}));
  EXPECT_EQ(Result()[15], 16.0f);  // the corner window holds only the corner
}

TEST_F(PoolingOpsTest, GlobalPools) {
  ir::Op* avg = b_.CreateOp(ir::OpKind::kGlobalAveragePool, {xv_}, {b_.F32({1, 1, 1, 1})});
  ASSERT_TRUE(Run(*avg).ok());
  EXPECT_THAT(Result(), ElementsAreArray({8.5f}));
  ir::Op* max = b_.CreateOp(ir::OpKind::kGlobalMaxPool, {xv_}, {b_.F32({1, 1, 1, 1})});
  ASSERT_TRUE(Run(*max).ok());
  EXPECT_THAT(Result(), ElementsAreArray({16.0f}));
}

TEST_F(PoolingOpsTest, ReportsKernelErrors) {
  ir::Op* op =
      b_.CreateOp(ir::OpKind::kMaxPool, {xv_}, {b_.F32({1, 1, 1, 1})}, Window({5, 5}, {1, 1}));
  Status s = Run(*op);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("max_pool"));
}

}  // namespace
}  // namespace kiln::ref
