// The linalg op kernels read the equation attribute and pass every operand through; the
// arithmetic is covered by einsum_test.cc and det_test.cc.
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

class LinalgOpsTest : public ::testing::Test {
 protected:
  LinalgOpsTest() { RegisterLinalgOps(table_); }
  Status Run(const ir::Op& op, std::vector<const Tensor*> operands) {
    results_.assign(op.num_results(), Tensor());
    OpKernelContext ctx{op, operands, results_, 1};
    return table_.Find(op.kind())(ctx);
  }
  std::vector<float> Floats() const {
    return std::vector<float>(results_[0].data<float>(),
                              results_[0].data<float>() + results_[0].num_elements());
  }

  ir::Context ctx_;
  ir::Graph g_{ctx_};
  ir::Builder b_{g_};
  OpKernelTable table_;
  std::vector<Tensor> results_;
};

TEST_F(LinalgOpsTest, EinsumReadsTheEquation) {
  Tensor a = Tensor::FromVector(DType::kF32, {2, 2}, std::vector<float>{1, 2, 3, 4});
  Tensor v = Tensor::FromVector(DType::kF32, {2}, std::vector<float>{10, 100});
  ir::Value* av = g_.AddInput("a", b_.F32({2, 2}));
  ir::Value* vv = g_.AddInput("v", b_.F32(std::vector<int64_t>{2}));
  ir::AttrMap attrs;
  attrs.Set("equation", std::string("ij,j->i"));
  ir::Op* op = b_.CreateOp(ir::OpKind::kEinsum, {av, vv}, {b_.F32(std::vector<int64_t>{2})}, attrs);
  ASSERT_TRUE(Run(*op, {&a, &v}).ok());
  EXPECT_THAT(Floats(), ElementsAreArray({210.0f, 430.0f}));

  ir::AttrMap bad;
  bad.Set("equation", std::string("ij->i"));
  ir::Op* wrong =
      b_.CreateOp(ir::OpKind::kEinsum, {av, vv}, {b_.F32(std::vector<int64_t>{2})}, bad);
  Status s = Run(*wrong, {&a, &v});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("operands"));
}

TEST_F(LinalgOpsTest, DetOfABatch) {
  Tensor x = Tensor::FromVector(DType::kF32, {2, 2, 2}, std::vector<float>{1, 2, 3, 4, 2, 0, 0, 3});
  ir::Value* xv = g_.AddInput("x", b_.F32({2, 2, 2}));
  ir::Op* op = b_.CreateOp(ir::OpKind::kDet, {xv}, {b_.F32(std::vector<int64_t>{2})});
  ASSERT_TRUE(Run(*op, {&x}).ok());
  std::vector<float> d = Floats();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_NEAR(d[0], -2.0f, 1e-6 * 2.0);
  EXPECT_NEAR(d[1], 6.0f, 1e-6 * 6.0);
}

}  // namespace
}  // namespace kiln::ref
