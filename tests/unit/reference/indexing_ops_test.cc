// The indexing op kernels as the interpreter calls them: attribute defaults, optional
// operands, scalar operands of either integer type, result types that set the dtype and
// ops with several results.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ir/builder.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "tests/unit/reference/op_kernel_harness.h"

namespace kiln::ref {
namespace {

using ir::AttrMap;
using ir::OpKind;

class IndexingOpsTest : public OpKernelHarness {
 protected:
  IndexingOpsTest() { RegisterIndexingOps(table_); }
};

AttrMap Attrs(std::vector<std::pair<std::string, ir::AttrValue>> entries) {
  AttrMap m;
  for (auto& [name, v] : entries) m.Set(name, std::move(v));
  return m;
}

const Tensor kX = Tensor::FromVector<float>(DType::kF32, {2, 3}, {1, 5, 3, 4, 2, 6});

TEST_F(IndexingOpsTest, EveryOpHasAKernel) {
  for (OpKind kind :
       {OpKind::kGatherND, OpKind::kScatterElements, OpKind::kScatterND, OpKind::kOneHot,
        OpKind::kTrilu, OpKind::kEyeLike, OpKind::kCompress, OpKind::kNonZero, OpKind::kUnique,
        OpKind::kCumSum, OpKind::kTopK, OpKind::kReverseSequence}) {
    EXPECT_NE(table_.Find(kind), nullptr) << static_cast<int>(kind);
  }
}

TEST_F(IndexingOpsTest, TriluDefaultsToUpperWithKZeroAndTakesAnI32K) {
  Expected<std::vector<Tensor>> y = Run(OpKind::kTrilu, {&kX}, {DType::kF32});
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{1, 5, 3, 0, 2, 6}));
  Tensor k = Tensor::FromVector<int32_t>(DType::kI32, {}, {-1});
  y = Run(OpKind::kTrilu, {&kX, &k}, {DType::kF32}, Attrs({{"upper", int64_t{0}}}));
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{0, 0, 0, 4, 0, 0}));
}

TEST_F(IndexingOpsTest, EyeLikeTakesItsDtypeFromTheResultType) {
  Expected<std::vector<Tensor>> y =
      Run(OpKind::kEyeLike, {&kX}, {DType::kI32}, Attrs({{"k", int64_t{1}}}));
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ((*y)[0].dtype(), DType::kI32);
  EXPECT_EQ(Values<int32_t>((*y)[0]), (std::vector<int32_t>{0, 1, 0, 0, 0, 1}));
}

TEST_F(IndexingOpsTest, ScatterElementsReadsAxisAndReduction) {
  Tensor idx = Tensor::FromVector<int64_t>(DType::kI64, {1, 2}, {1, 1});
  Tensor upd = Tensor::FromVector<float>(DType::kF32, {1, 2}, {10, 20});
  Expected<std::vector<Tensor>> y =
      Run(OpKind::kScatterElements, {&kX, &idx, &upd}, {DType::kF32},
          Attrs({{"axis", int64_t{1}}, {"reduction", std::string("add")}}));
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{1, 35, 3, 4, 2, 6}));
  y = Run(OpKind::kScatterElements, {&kX, &idx, &upd}, {DType::kF32},
          Attrs({{"reduction", std::string("sum")}}));
  EXPECT_FALSE(y.ok());
}

TEST_F(IndexingOpsTest, OneHotDefaultsToTheLastAxis) {
  Tensor idx = Tensor::FromVector<int64_t>(DType::kI64, {2}, {1, 0});
  Tensor depth = Tensor::FromVector<int32_t>(DType::kI32, {}, {2});
  Tensor values = Tensor::FromVector<float>(DType::kF32, {2}, {0, 1});
  Expected<std::vector<Tensor>> y = Run(OpKind::kOneHot, {&idx, &depth, &values}, {DType::kF32});
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ((*y)[0].shape(), (Shape{2, 2}));
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{0, 1, 1, 0}));
}

TEST_F(IndexingOpsTest, CumSumTakesTheAxisAsAnOperand) {
  Tensor axis = Tensor::FromVector<int32_t>(DType::kI32, {}, {0});
  Expected<std::vector<Tensor>> y =
      Run(OpKind::kCumSum, {&kX, &axis}, {DType::kF32}, Attrs({{"exclusive", int64_t{1}}}));
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{0, 0, 0, 1, 5, 3}));
  EXPECT_FALSE(Run(OpKind::kCumSum, {&kX, nullptr}, {DType::kF32}).ok());
}

TEST_F(IndexingOpsTest, TopKFillsValuesAndIndices) {
  Tensor k = Tensor::FromVector<int64_t>(DType::kI64, {1}, {2});
  Expected<std::vector<Tensor>> y =
      Run(OpKind::kTopK, {&kX, &k}, {DType::kF32, DType::kI64}, Attrs({{"largest", int64_t{0}}}));
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{1, 3, 2, 4}));
  EXPECT_EQ(Values<int64_t>((*y)[1]), (std::vector<int64_t>{0, 2, 1, 0}));
}

TEST_F(IndexingOpsTest, CompressWithoutAxisFlattens) {
  Tensor cond = Tensor::FromVector<int64_t>(DType::kI64, {3}, {0, 1, 1});
  Expected<std::vector<Tensor>> y = Run(OpKind::kCompress, {&kX, &cond}, {DType::kF32});
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{5, 3}));
  y = Run(OpKind::kCompress, {&kX, &cond}, {DType::kF32}, Attrs({{"axis", int64_t{1}}}));
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ((*y)[0].shape(), (Shape{2, 2}));
}

TEST_F(IndexingOpsTest, UniqueFillsAsManyResultsAsRequested) {
  Tensor x = Tensor::FromVector<int32_t>(DType::kI32, {4}, {3, 1, 3, 2});
  Expected<std::vector<Tensor>> y =
      Run(OpKind::kUnique, {&x}, {DType::kI32, DType::kI64, DType::kI64, DType::kI64},
          Attrs({{"sorted", int64_t{0}}}));
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(Values<int32_t>((*y)[0]), (std::vector<int32_t>{3, 1, 2}));
  EXPECT_EQ(Values<int64_t>((*y)[1]), (std::vector<int64_t>{0, 1, 3}));
  EXPECT_EQ(Values<int64_t>((*y)[2]), (std::vector<int64_t>{0, 1, 0, 2}));
  EXPECT_EQ(Values<int64_t>((*y)[3]), (std::vector<int64_t>{2, 1, 1}));
  y = Run(OpKind::kUnique, {&x}, {DType::kI32});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int32_t>((*y)[0]), (std::vector<int32_t>{1, 2, 3}));
}

TEST_F(IndexingOpsTest, ReverseSequenceDefaultsToTimeMajor) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {3, 2}, {0, 1, 2, 3, 4, 5});
  Tensor lens = Tensor::FromVector<int64_t>(DType::kI64, {2}, {3, 1});
  Expected<std::vector<Tensor>> y = Run(OpKind::kReverseSequence, {&x, &lens}, {DType::kF32});
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{4, 1, 2, 3, 0, 5}));
}

TEST_F(IndexingOpsTest, GatherNDAndNonZero) {
  Tensor idx = Tensor::FromVector<int64_t>(DType::kI64, {2, 1}, {1, 0});
  Expected<std::vector<Tensor>> y = Run(OpKind::kGatherND, {&kX, &idx}, {DType::kF32});
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(Values<float>((*y)[0]), (std::vector<float>{4, 2, 6, 1, 5, 3}));
  Tensor z = Tensor::FromVector<int32_t>(DType::kI32, {2, 2}, {0, 7, 8, 0});
  y = Run(OpKind::kNonZero, {&z}, {DType::kI64});
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(Values<int64_t>((*y)[0]), (std::vector<int64_t>{0, 1, 1, 0}));
}

}  // namespace
}  // namespace kiln::ref
