// A tensor's type: scalar type + shape + optional quantization spec.
//
// Types are interned in a Context (ir/context.h) and compare by pointer; construct them
// through Context::GetType, never directly.
//
//   const TensorType* t = ctx.GetType(ScalarType::kF32, Shape::Static({2, 3}));
//   t->ToString() == "f32[2,3]"
#pragma once

#include <optional>
#include <string>

#include "ir/quant_spec.h"
#include "ir/scalar_type.h"
#include "ir/shape.h"

namespace kiln::ir {

class TensorType {
 public:
  TensorType(ScalarType scalar, Shape shape, std::optional<QuantSpec> quant)
      : scalar_(scalar), shape_(std::move(shape)), quant_(std::move(quant)) {}

  ScalarType scalar() const { return scalar_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  const std::optional<QuantSpec>& quant() const { return quant_; }
  bool is_quantized() const { return quant_.has_value(); }

  // "f32[N,3,224,224]", "i8<per_tensor scale=0.5>[4]".
  std::string ToString() const;

 private:
  ScalarType scalar_;
  Shape shape_;
  std::optional<QuantSpec> quant_;
};

}  // namespace kiln::ir
