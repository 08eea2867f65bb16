// Owns interned tensor types, so that types compare by pointer.
//
// A Context outlives every graph that uses its types. Not thread-safe.
//
//   Context ctx;
//   const TensorType* a = ctx.GetType(ScalarType::kF32, Shape::Static({4}));
//   assert(a == ctx.GetType(ScalarType::kF32, Shape::Static({4})));
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "ir/tensor_type.h"

namespace kiln::ir {

class Context {
 public:
  Context() = default;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const TensorType* GetType(ScalarType scalar, Shape shape,
                            std::optional<QuantSpec> quant = std::nullopt);
  // The same type with another shape (quantization kept).
  const TensorType* WithShape(const TensorType* type, Shape shape);

  size_t num_types() const { return types_.size(); }

 private:
  std::unordered_map<std::string, std::unique_ptr<TensorType>> types_;
};

}  // namespace kiln::ir
