// The shape op kernels as the interpreter calls them: attributes, optional operands and
// storage sharing. Each test builds a one-op graph and calls the table's kernel directly.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "ir/builder.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "tests/unit/reference/op_kernel_harness.h"

namespace kiln::ref {
namespace {

using ir::AttrMap;
using ir::OpKind;

class ShapeOpsTest : public OpKernelHarness {
 protected:
  ShapeOpsTest() { RegisterMovementOps(table_); }
};

AttrMap Attr(std::string_view name, ir::AttrValue v) {
  AttrMap m;
  m.Set(name, std::move(v));
  return m;
}

const Tensor kX = Tensor::FromVector<float>(DType::kF32, {2, 1, 3}, {1, 2, 3, 4, 5, 6});

TEST_F(ShapeOpsTest, ReshapeSharesStorage) {
  Tensor shape = Tensor::FromVector<int64_t>(DType::kI64, {2}, {0, -1});
  Expected<std::vector<Tensor>> y = Run(OpKind::kReshape, {&kX, &shape}, {DType::kF32});
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ((*y)[0].shape(), (Shape{2, 3}));
  EXPECT_EQ((*y)[0].raw(), kX.raw());
  Tensor bad = Tensor::FromVector<int64_t>(DType::kI64, {1}, {5});
  EXPECT_FALSE(Run(OpKind::kReshape, {&kX, &bad}, {DType::kF32}).ok());
}

TEST_F(ShapeOpsTest, ReshapeAllowZero) {
  Tensor shape = Tensor::FromVector<int64_t>(DType::kI64, {2}, {0, -1});
  EXPECT_FALSE(
      Run(OpKind::kReshape, {&kX, &shape}, {DType::kF32}, Attr("allowzero", int64_t{1})).ok());
}

TEST_F(ShapeOpsTest, FlattenSqueezeUnsqueeze) {
  Expected<std::vector<Tensor>> y = Run(OpKind::kFlatten, {&kX}, {DType::kF32});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ((*y)[0].shape(), (Shape{2, 3}));  // default axis 1
  y = Run(OpKind::kFlatten, {&kX}, {DType::kF32}, Attr("axis", int64_t{0}));
  EXPECT_EQ((*y)[0].shape(), (Shape{1, 6}));
  y = Run(OpKind::kSqueeze, {&kX}, {DType::kF32});
  EXPECT_EQ((*y)[0].shape(), (Shape{2, 3}));
  y = Run(OpKind::kUnsqueeze, {&kX}, {DType::kF32}, Attr("axes", std::vector<int64_t>{0, -1}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ((*y)[0].shape(), (Shape{1, 2, 1, 3, 1}));
  EXPECT_EQ(Values<float>((*y)[0]), Values<float>(kX));
  EXPECT_FALSE(
      Run(OpKind::kSqueeze, {&kX}, {DType::kF32}, Attr("axes", std::vector<int64_t>{0})).ok());
}

TEST_F(ShapeOpsTest, IdentityAndDropoutPassThrough) {
  Expected<std::vector<Tensor>> y = Run(OpKind::kIdentity, {&kX}, {DType::kF32});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<float>((*y)[0]), Values<float>(kX));
  y = Run(OpKind::kDropout, {&kX}, {DType::kF32, DType::kBool});
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(Values<float>((*y)[0]), Values<float>(kX));
  EXPECT_EQ((*y)[1].dtype(), DType::kBool);
  EXPECT_EQ(Values<uint8_t>((*y)[1]), (std::vector<uint8_t>(6, 1)));
}

TEST_F(ShapeOpsTest, DropoutTrainingModeIsRefusedUnlessRatioIsZero) {
  Tensor ratio = Tensor::FromVector<float>(DType::kF32, {}, {0.5f});
  Tensor zero = Tensor::FromVector<float>(DType::kF32, {}, {0.0f});
  Tensor on = Tensor::FromVector<uint8_t>(DType::kBool, {}, {1});
  EXPECT_FALSE(Run(OpKind::kDropout, {&kX, &ratio, &on}, {DType::kF32}).ok());
  EXPECT_FALSE(Run(OpKind::kDropout, {&kX, nullptr, &on}, {DType::kF32}).ok());
  EXPECT_TRUE(Run(OpKind::kDropout, {&kX, &zero, &on}, {DType::kF32}).ok());
}

TEST_F(ShapeOpsTest, ShapeWithStartAndEnd) {
  Expected<std::vector<Tensor>> y = Run(OpKind::kShape, {&kX}, {DType::kI64});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int64_t>((*y)[0]), (std::vector<int64_t>{2, 1, 3}));
  AttrMap a;
  a.Set("start", int64_t{-2});
  a.Set("end", int64_t{100});
  y = Run(OpKind::kShape, {&kX}, {DType::kI64}, a);
  EXPECT_EQ(Values<int64_t>((*y)[0]), (std::vector<int64_t>{1, 3}));
  y = Run(OpKind::kShape, {&kX}, {DType::kI64}, Attr("start", int64_t{5}));
  EXPECT_EQ((*y)[0].shape(), (Shape{0}));
}

TEST_F(ShapeOpsTest, Size) {
  Expected<std::vector<Tensor>> y = Run(OpKind::kSize, {&kX}, {DType::kI64});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ((*y)[0].shape(), (Shape{}));
  EXPECT_EQ(*(*y)[0].data<int64_t>(), 6);
}

TEST_F(ShapeOpsTest, ConstantOfShapeUsesTheResultType) {
  Tensor shape = Tensor::FromVector<int64_t>(DType::kI64, {2}, {2, 2});
  Expected<std::vector<Tensor>> y =
      Run(OpKind::kConstantOfShape, {&shape}, {DType::kI32}, Attr("value", 3.0));
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ((*y)[0].dtype(), DType::kI32);
  EXPECT_EQ(Values<int32_t>((*y)[0]), (std::vector<int32_t>(4, 3)));
  y = Run(OpKind::kConstantOfShape, {&shape}, {DType::kF32});
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>(4, 0.0f)));
  Tensor negative = Tensor::FromVector<int64_t>(DType::kI64, {1}, {-1});
  EXPECT_FALSE(Run(OpKind::kConstantOfShape, {&negative}, {DType::kF32}).ok());
}

TEST_F(ShapeOpsTest, Range) {
  Tensor start = Tensor::FromVector<int64_t>(DType::kI64, {}, {1});
  Tensor limit = Tensor::FromVector<int64_t>(DType::kI64, {}, {7});
  Tensor delta = Tensor::FromVector<int64_t>(DType::kI64, {}, {2});
  Expected<std::vector<Tensor>> y = Run(OpKind::kRange, {&start, &limit, &delta}, {DType::kI64});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int64_t>((*y)[0]), (std::vector<int64_t>{1, 3, 5}));
}

}  // namespace
}  // namespace kiln::ref
