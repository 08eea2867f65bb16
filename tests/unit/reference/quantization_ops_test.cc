// The quantize / dequantize op kernels: the scales come from the quantized side's type.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ir/builder.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "tests/unit/reference/op_kernel_harness.h"

namespace kiln::ref {
namespace {

using ir::OpKind;

class QuantizationOpsTest : public OpKernelHarness {
 protected:
  QuantizationOpsTest() { RegisterQuantizationOps(table_); }
};

TEST_F(QuantizationOpsTest, QuantizeReadsTheResultTypesSpec) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2, 2}, {1, -1, 2, 2.5f});
  ir::QuantSpec spec = ir::QuantSpec::PerAxis(0, {0.5f, 1.0f}, {0, 3});
  const ir::TensorType* q_type = ctx_.GetType(ir::ScalarType::kI8, ir::Shape::Static({2, 2}), spec);
  ir::Value* in = graph_.AddInput("x", TypeOf(DType::kF32, {2, 2}));
  ir::Op* op = graph_.CreateOp(OpKind::kQuantize, {in}, {q_type});
  std::vector<const Tensor*> operands = {&x};
  std::vector<Tensor> out(1);
  OpKernelContext kctx{*op, operands, out};
  ASSERT_TRUE(table_.Find(OpKind::kQuantize)(kctx).ok());
  EXPECT_EQ(out[0].dtype(), DType::kI8);
  EXPECT_EQ(Values<int8_t>(out[0]), (std::vector<int8_t>{2, -2, 5, 5}));  // 2.5 rounds to 2, +3

  // Dequantize reads the operand type's spec.
  ir::Value* q = graph_.AddInput("q", q_type);
  ir::Op* dq = graph_.CreateOp(OpKind::kDequantize, {q}, {TypeOf(DType::kF32, {2, 2})});
  std::vector<const Tensor*> dq_operands = {&out[0]};
  std::vector<Tensor> back(1);
  OpKernelContext dq_ctx{*dq, dq_operands, back};
  ASSERT_TRUE(table_.Find(OpKind::kDequantize)(dq_ctx).ok());
  EXPECT_EQ(Values<float>(back[0]), (std::vector<float>{1, -1, 2, 2}));
}

TEST_F(QuantizationOpsTest, FourBitPerBlock) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {1, 4}, {1, 2, 3, 4});
  ir::QuantSpec spec = ir::QuantSpec::PerBlock(1, 2, {1.0f, 0.5f}, {});
  const ir::TensorType* q_type = ctx_.GetType(ir::ScalarType::kU4, ir::Shape::Static({1, 4}), spec);
  ir::Value* in = graph_.AddInput("x", TypeOf(DType::kF32, {1, 4}));
  ir::Op* op = graph_.CreateOp(OpKind::kQuantize, {in}, {q_type});
  std::vector<const Tensor*> operands = {&x};
  std::vector<Tensor> out(1);
  OpKernelContext kctx{*op, operands, out};
  Status s = table_.Find(OpKind::kQuantize)(kctx);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(out[0].num_bytes(), 2);
  EXPECT_EQ(out[0].data<uint8_t>()[0], 0x21);  // 1, 2
  EXPECT_EQ(out[0].data<uint8_t>()[1], 0x86);  // 6, 8
}

TEST_F(QuantizationOpsTest, MissingSpecIsAnError) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2}, {1, 2});
  Expected<std::vector<Tensor>> y = Run(OpKind::kQuantize, {&x}, {DType::kI8});
  ASSERT_FALSE(y.ok());
  EXPECT_NE(y.error().message().find("quantization spec"), std::string::npos);
  Tensor q = Tensor::FromVector<int8_t>(DType::kI8, {2}, {1, 2});
  EXPECT_FALSE(Run(OpKind::kDequantize, {&q}, {DType::kF32}).ok());
}

}  // namespace
}  // namespace kiln::ref
