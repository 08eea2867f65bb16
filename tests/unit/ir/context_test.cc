#include "ir/context.h"

#include <gtest/gtest.h>

namespace kiln::ir {
namespace {

TEST(ContextTest, InternsTypes) {
  Context ctx;
  const TensorType* a = ctx.GetType(ScalarType::kF32, Shape::Static({2, 3}));
  const TensorType* b = ctx.GetType(ScalarType::kF32, Shape::Static({2, 3}));
  const TensorType* c = ctx.GetType(ScalarType::kF16, Shape::Static({2, 3}));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(ctx.num_types(), 2u);
  EXPECT_EQ(a->ToString(), "f32[2,3]");
}

TEST(ContextTest, QuantizedTypesInternByCanonicalSpec) {
  Context ctx;
  const TensorType* a = ctx.GetType(ScalarType::kI8, Shape::Static({2}),
                                    QuantSpec::PerAxis(0, {0.5f, 0.25f}, {0, 0}));
  QuantSpec raw;
  raw.granularity = QuantGranularity::kPerAxis;
  raw.scales = {0.5f, 0.25f};
  raw.zero_points = {0, 0};  // canonicalized away
  const TensorType* b = ctx.GetType(ScalarType::kI8, Shape::Static({2}), raw);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(a->is_quantized());
  EXPECT_EQ(a->ToString(), "i8<per_axis axis=0 scales=[0.5,0.25]>[2]");
  EXPECT_NE(a, ctx.GetType(ScalarType::kI8, Shape::Static({2})));
}

TEST(ContextTest, WithShapeKeepsScalarAndQuant) {
  Context ctx;
  const TensorType* a =
      ctx.GetType(ScalarType::kU8, Shape::Static({4}), QuantSpec::PerTensor(0.1f, 128));
  const TensorType* b = ctx.WithShape(a, Shape({Dim::Symbol("N")}));
  EXPECT_EQ(b->ToString(), "u8<per_tensor scale=0.1 zero_point=128>[N]");
}

}  // namespace
}  // namespace kiln::ir
