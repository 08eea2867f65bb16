// RegisterMovementOps: the single entry point of the movement family.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ir/builder.h"
#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {
namespace {

using ir::AttrMap;
using ir::OpKind;

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

class MovementOpsTest : public ::testing::Test {
 protected:
  MovementOpsTest() { RegisterMovementOps(table_); }

  const ir::TensorType* TypeOf(DType dtype, const Shape& shape) {
    return ctx_.GetType(static_cast<ir::ScalarType>(dtype), ir::Shape::Static(shape));
  }

  // Runs `kind` on `operands` (null: absent) with results of the given dtypes; the result
  // shapes in the IR are placeholders, kernels compute the real ones.
  Expected<std::vector<Tensor>> Run(OpKind kind, std::vector<const Tensor*> operands,
                                    std::vector<DType> results, AttrMap attrs = {}) {
    std::vector<ir::Value*> values;
    for (const Tensor* t : operands) {
      values.push_back(t == nullptr ? nullptr
                                    : graph_.AddInput("in" + std::to_string(values.size()),
                                                      TypeOf(t->dtype(), t->shape())));
    }
    std::vector<const ir::TensorType*> types;
    for (DType d : results) types.push_back(TypeOf(d, {}));
    ir::Op* op = graph_.CreateOp(kind, values, types, std::move(attrs));
    std::vector<Tensor> out(op->num_results());
    OpKernelContext kctx{*op, operands, out};
    OpKernelFn fn = table_.Find(kind);
    if (fn == nullptr) return Status::Error("no kernel");
    if (Status s = fn(kctx); !s.ok()) return s;
    return out;
  }

  ir::Context ctx_;
  ir::Graph graph_{ctx_};
  OpKernelTable table_;
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
