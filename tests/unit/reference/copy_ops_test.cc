// The data-moving op kernels as the interpreter calls them: attribute defaults, optional and
// variadic operands, i32 index operands and multiple results.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ir/builder.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "tests/unit/reference/op_kernel_harness.h"

namespace kiln::ref {
namespace {

using ir::AttrMap;
using ir::OpKind;

class CopyOpsTest : public OpKernelHarness {
 protected:
  CopyOpsTest() { RegisterMovementOps(table_); }
};

AttrMap Attr(std::string_view name, ir::AttrValue v) {
  AttrMap m;
  m.Set(name, std::move(v));
  return m;
}

const Tensor kX = Tensor::FromVector<float>(DType::kF32, {2, 3}, {1, 2, 3, 4, 5, 6});

TEST_F(CopyOpsTest, TransposeDefaultAndPerm) {
  Expected<std::vector<Tensor>> y = Run(OpKind::kTranspose, {&kX}, {DType::kF32});
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ((*y)[0].shape(), (Shape{3, 2}));
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{1, 4, 2, 5, 3, 6}));
  y = Run(OpKind::kTranspose, {&kX}, {DType::kF32}, Attr("perm", std::vector<int64_t>{0, 1}));
  EXPECT_EQ(Values<float>((*y)[0]), Values<float>(kX));
}

TEST_F(CopyOpsTest, ConcatIsVariadic) {
  Expected<std::vector<Tensor>> y =
      Run(OpKind::kConcat, {&kX, &kX, &kX}, {DType::kF32}, Attr("axis", int64_t{-2}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ((*y)[0].shape(), (Shape{6, 3}));
}

TEST_F(CopyOpsTest, SplitEquallyIntoResultsOrBySizes) {
  Expected<std::vector<Tensor>> y =
      Run(OpKind::kSplit, {&kX}, {DType::kF32, DType::kF32, DType::kF32}, Attr("axis", int64_t{1}));
  ASSERT_TRUE(y.ok()) << y.error().message();
  ASSERT_EQ(y->size(), 3u);
  EXPECT_EQ(Values<float>((*y)[2]), (std::vector<float>{3, 6}));
  Tensor sizes = Tensor::FromVector<int64_t>(DType::kI64, {2}, {1, 2});
  y = Run(OpKind::kSplit, {&kX, &sizes}, {DType::kF32, DType::kF32}, Attr("axis", int64_t{-1}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<float>((*y)[1]), (std::vector<float>{2, 3, 5, 6}));
  // Two sizes for three results.
  EXPECT_FALSE(Run(OpKind::kSplit, {&kX, &sizes}, {DType::kF32, DType::kF32, DType::kF32},
                   Attr("axis", int64_t{1}))
                   .ok());
}

TEST_F(CopyOpsTest, SliceWithI32OperandsAndOptionalSteps) {
  Tensor starts = Tensor::FromVector<int32_t>(DType::kI32, {1}, {-1});
  Tensor ends = Tensor::FromVector<int32_t>(DType::kI32, {1}, {INT32_MIN});
  Tensor axes = Tensor::FromVector<int32_t>(DType::kI32, {1}, {1});
  Tensor steps = Tensor::FromVector<int32_t>(DType::kI32, {1}, {-2});
  Expected<std::vector<Tensor>> y =
      Run(OpKind::kSlice, {&kX, &starts, &ends, &axes, &steps}, {DType::kF32});
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{3, 1, 6, 4}));
  Tensor zero = Tensor::FromVector<int64_t>(DType::kI64, {1}, {0});
  Tensor one = Tensor::FromVector<int64_t>(DType::kI64, {1}, {1});
  y = Run(OpKind::kSlice, {&kX, &zero, &one}, {DType::kF32});  // axes, steps absent
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{1, 2, 3}));
}

TEST_F(CopyOpsTest, GatherAndGatherElements) {
  Tensor idx = Tensor::FromVector<int64_t>(DType::kI64, {2}, {-1, 0});
  Expected<std::vector<Tensor>> y =
      Run(OpKind::kGather, {&kX, &idx}, {DType::kF32}, Attr("axis", int64_t{1}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{3, 1, 6, 4}));
  Tensor el = Tensor::FromVector<int64_t>(DType::kI64, {1, 3}, {1, 0, 1});
  y = Run(OpKind::kGatherElements, {&kX, &el}, {DType::kF32});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{4, 2, 6}));
}

TEST_F(CopyOpsTest, PadModesConstantValueAndAxes) {
  Tensor pads = Tensor::FromVector<int64_t>(DType::kI64, {2}, {1, 1});
  Tensor value = Tensor::FromVector<float>(DType::kF32, {}, {-1});
  Tensor axes = Tensor::FromVector<int64_t>(DType::kI64, {1}, {0});
  Expected<std::vector<Tensor>> y = Run(OpKind::kPad, {&kX, &pads, &value, &axes}, {DType::kF32});
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{-1, -1, -1, 1, 2, 3, 4, 5, 6, -1, -1, -1}));
  y = Run(OpKind::kPad, {&kX, &pads, nullptr, &axes}, {DType::kF32},
          Attr("mode", std::string("edge")));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}));
  EXPECT_FALSE(Run(OpKind::kPad, {&kX, &pads}, {DType::kF32}).ok());  // 2 pads for 2 axes
  EXPECT_FALSE(
      Run(OpKind::kPad, {&kX, &pads, nullptr, &axes}, {DType::kF32}, Attr("mode", std::string("x")))
          .ok());
}

TEST_F(CopyOpsTest, ExpandAndTile) {
  Tensor shape = Tensor::FromVector<int64_t>(DType::kI64, {3}, {2, 1, 1});
  Expected<std::vector<Tensor>> y = Run(OpKind::kExpand, {&kX, &shape}, {DType::kF32});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ((*y)[0].shape(), (Shape{2, 2, 3}));
  Tensor repeats = Tensor::FromVector<int64_t>(DType::kI64, {2}, {1, 2});
  y = Run(OpKind::kTile, {&kX, &repeats}, {DType::kF32});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}));
}

TEST_F(CopyOpsTest, DepthToSpaceAndBack) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {1, 4, 1, 1}, {1, 2, 3, 4});
  AttrMap a = Attr("blocksize", int64_t{2});
  a.Set("mode", std::string("CRD"));
  Expected<std::vector<Tensor>> y = Run(OpKind::kDepthToSpace, {&x}, {DType::kF32}, a);
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ((*y)[0].shape(), (Shape{1, 1, 2, 2}));
  Tensor d2s = (*y)[0];
  y = Run(OpKind::kSpaceToDepth, {&d2s}, {DType::kF32}, Attr("blocksize", int64_t{2}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{1, 2, 3, 4}));
}

}  // namespace
}  // namespace kiln::ref
