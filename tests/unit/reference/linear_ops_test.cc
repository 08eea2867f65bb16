// The linear op kernels read the op's attributes and defaults; the arithmetic itself is
// covered by the kernel tests (conv_test.cc, gemm_test.cc, ...).
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

class LinearOpsTest : public ::testing::Test {
 protected:
  LinearOpsTest() { RegisterLinearOps(table_); }

  // Runs `op` on `operands` (null for absent ones) and returns its status.
  Status Run(const ir::Op& op, const std::vector<const Tensor*>& operands) {
    results_.assign(op.num_results(), Tensor());
    OpKernelFn fn = table_.Find(op.kind());
    EXPECT_NE(fn, nullptr);
    OpKernelContext ctx{op, operands, results_, 2};
    return fn(ctx);
  }
  std::vector<float> Result(int i = 0) const {
    const Tensor& t = results_[i];
    return std::vector<float>(t.data<float>(), t.data<float>() + t.num_elements());
  }

  ir::Context ctx_;
  ir::Graph g_{ctx_};
  ir::Builder b_{g_};
  OpKernelTable table_;
  std::vector<Tensor> results_;
};

TEST_F(LinearOpsTest, ConvReadsStridesPadsAndGroup) {
  ir::Value* x = g_.AddInput("x", b_.F32({1, 2, 3, 3}));
  ir::Value* w = g_.AddInput("w", b_.F32({2, 1, 2, 2}));
  ir::AttrMap attrs;
  attrs.Set("group", int64_t{2});
  attrs.Set("strides", std::vector<int64_t>{2, 2});
  attrs.Set("pads", std::vector<int64_t>{0, 0, 1, 1});
  attrs.Set("auto_pad", std::string("NOTSET"));
  ir::Op* op = b_.CreateOp(ir::OpKind::kConv, {x, w}, {b_.F32({1, 2, 2, 2})}, attrs);
  std::vector<float> xs(18);
  for (int i = 0; i < 18; ++i) xs[i] = float(i);
  Tensor xt = Tensor::FromVector(DType::kF32, {1, 2, 3, 3}, xs);
  Tensor wt =
      Tensor::FromVector(DType::kF32, {2, 1, 2, 2}, std::vector<float>{1, 0, 0, 0, 0, 0, 0, 1});
  Status s = Run(*op, {&xt, &wt});
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(results_[0].shape(), (Shape{1, 2, 2, 2}));
  // Channel 0 picks the window's top-left, channel 1 its bottom-right (padded past the end).
  EXPECT_THAT(Result(), ElementsAreArray({0.0f, 2.0f, 6.0f, 8.0f, 13.0f, 0.0f, 0.0f, 0.0f}));
}

TEST_F(LinearOpsTest, ConvRejectsUnknownAutoPad) {
  ir::Value* x = g_.AddInput("x", b_.F32({1, 1, 3, 3}));
  ir::Value* w = g_.AddInput("w", b_.F32({1, 1, 1, 1}));
  ir::AttrMap attrs;
  attrs.Set("auto_pad", std::string("SAME_MIDDLE"));
  ir::Op* op = b_.CreateOp(ir::OpKind::kConv, {x, w}, {b_.F32({1, 1, 3, 3})}, attrs);
  Tensor xt = Tensor::FromVector(DType::kF32, {1, 1, 3, 3}, std::vector<float>(9, 1.0f));
  Tensor wt = Tensor::FromVector(DType::kF32, {1, 1, 1, 1}, std::vector<float>{1.0f});
  Status s = Run(*op, {&xt, &wt});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("SAME_MIDDLE"));
}

TEST_F(LinearOpsTest, ConvTransposeReadsOutputShape) {
  ir::Value* x = g_.AddInput("x", b_.F32({1, 1, 2, 2}));
  ir::Value* w = g_.AddInput("w", b_.F32({1, 1, 2, 2}));
  ir::AttrMap attrs;
  attrs.Set("strides", std::vector<int64_t>{2, 2});
  attrs.Set("output_shape", std::vector<int64_t>{5, 5});
  ir::Op* op = b_.CreateOp(ir::OpKind::kConvTranspose, {x, w}, {b_.F32({1, 1, 5, 5})}, attrs);
  Tensor xt = Tensor::FromVector(DType::kF32, {1, 1, 2, 2}, std::vector<float>{1, 2, 3, 4});
  Tensor wt = Tensor::FromVector(DType::kF32, {1, 1, 2, 2}, std::vector<float>{1, 1, 1, 1});
  Status s = Run(*op, {&xt, &wt});
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(results_[0].shape(), (Shape{1, 1, 5, 5}));
  // Full output is 4x4; the total pad of -1 lands at the end, leaving a zero last row/column.
  EXPECT_THAT(Result(), ElementsAreArray({1.0f, 1.0f, 2.0f, 2.0f, 0.0f,  //
                                          1.0f, 1.0f, 2.0f, 2.0f, 0.0f,  //
                                          3.0f, 3.0f, 4.0f, 4.0f, 0.0f,  //
                                          3.0f, 3.0f, 4.0f, 4.0f, 0.0f,  //
                                          0.0f, 0.0f, 0.0f, 0.0f, 0.0f}));
}

TEST_F(LinearOpsTest, GemmReadsAlphaBetaAndTranspose) {
  ir::Value* a = g_.AddInput("a", b_.F32({2, 1}));
  ir::Value* bv = g_.AddInput("b", b_.F32({2, 2}));
  ir::Value* c = g_.AddInput("c", b_.F32(std::vector<int64_t>{2}));
  ir::AttrMap attrs;
  attrs.Set("alpha", 2.0);
  attrs.Set("beta", 0.5);
  attrs.Set("trans_a", int64_t{1});
  ir::Op* op = b_.CreateOp(ir::OpKind::kGemm, {a, bv, c}, {b_.F32({1, 2})}, attrs);
  Tensor at = Tensor::FromVector(DType::kF32, {2, 1}, std::vector<float>{1, 2});
  Tensor bt = Tensor::FromVector(DType::kF32, {2, 2}, std::vector<float>{1, 2, 3, 4});
  Tensor ct = Tensor::FromVector(DType::kF32, {2}, std::vector<float>{10, 20});
  Status s = Run(*op, {&at, &bt, &ct});
  ASSERT_TRUE(s.ok()) << s.message();
  // 2 * [1 2] * [[1 2] [3 4]] + 0.5 * [10 20] = [14 20] + [5 10].
  EXPECT_THAT(Result(), ElementsAreArray({19.0f, 30.0f}));

  // Without C (and with the default alpha 1) the product alone.
  ir::Op* plain = b_.CreateOp(ir::OpKind::kGemm, {bv, bv}, {b_.F32({2, 2})});
  s = Run(*plain, {&bt, &bt});
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_THAT(Result(), ElementsAreArray({7.0f, 10.0f, 15.0f, 22.0f}));
}

TEST_F(LinearOpsTest, MatMulChecksTheResultType) {
  ir::Value* a = g_.AddInput("a", b_.F32({2, 2}));
  ir::Op* op = b_.CreateOp(ir::OpKind::kMatMul, {a, a}, {b_.F32({2, 2})});
  Tensor at = Tensor::FromVector(DType::kF32, {2, 2}, std::vector<float>{1, 2, 3, 4});
  Status s = Run(*op, {&at, &at});
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_THAT(Result(), ElementsAreArray({7.0f, 10.0f, 15.0f, 22.0f}));

  ir::Op* wrong = b_.CreateOp(ir::OpKind::kMatMul, {a, a}, {b_.Type(ir::ScalarType::kI32, {2, 2})});
  s = Run(*wrong, {&at, &at});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("i32"));
}

}  // namespace
}  // namespace kiln::ref
