#include "ir/context.h"

namespace kiln::ir {

const TensorType* Context::GetType(ScalarType scalar, Shape shape, std::optional<QuantSpec> quant) {
  if (quant) quant->Canonicalize();
  auto type = std::make_unique<TensorType>(scalar, std::move(shape), std::move(quant));
  // The printed form is canonical (floats print exactly), so it is a faithful key.
  std::string key = type->ToString();
  auto [it, inserted] = types_.try_emplace(std::move(key), nullptr);
  if (inserted) it->second = std::move(type);
  return it->second.get();
}

const TensorType* Context::WithShape(const TensorType* type, Shape shape) {
  return GetType(type->scalar(), std::move(shape), type->quant());
}

}  // namespace kiln::ir
