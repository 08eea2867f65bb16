// RegisterMovementOps: the single entry point of the movement family.
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

class MovementOpsTest : public OpKernelHarness {
 protected:
  MovementOpsTest() { RegisterMovementOps(table_); }
};

AttrMap Attr(std::string_view name, ir::AttrValue v) {
  AttrMap m;
  m.Set(name, std::move(v));
  return m;
}

// Every op of the movement and quantization families has a kernel after registration.
TEST_F(MovementOpsTest, RegistersEveryMovementOp) {
  for (OpKind kind :
       {OpKind::kIdentity,       OpKind::kDropout,     OpKind::kReshape, OpKind::kTranspose,
        OpKind::kConcat,         OpKind::kSplit,       OpKind::kSlice,   OpKind::kGather,
        OpKind::kGatherElements, OpKind::kPad,         OpKind::kResize,  OpKind::kShape,
        OpKind::kSize,           OpKind::kExpand,      OpKind::kSqueeze, OpKind::kUnsqueeze,
        OpKind::kFlatten,        OpKind::kTile,        OpKind::kRange,   OpKind::kConstantOfShape,
        OpKind::kDepthToSpace,   OpKind::kSpaceToDepth}) {
    EXPECT_NE(table_.Find(kind), nullptr) << ir::OpKindName(kind);
  }
  EXPECT_EQ(table_.Find(OpKind::kQuantize), nullptr);  // a family of its own
  RegisterQuantizationOps(table_);
  EXPECT_NE(table_.Find(OpKind::kQuantize), nullptr);
  EXPECT_NE(table_.Find(OpKind::kDequantize), nullptr);
}

TEST_F(MovementOpsTest, KernelErrorsComeBackAsStatus) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2}, {1, 2});
  Expected<std::vector<Tensor>> y =
      Run(OpKind::kConcat, {&x}, {DType::kF32}, Attr("axis", int64_t{3}));
  ASSERT_FALSE(y.ok());
  EXPECT_NE(y.error().message().find("axis 3"), std::string::npos) << y.error().message();
}

}  // namespace
}  // namespace kiln::ref
