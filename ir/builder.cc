#include "ir/builder.h"

#include <cassert>

namespace kiln::ir {

Op* Builder::CreateOp(OpKind kind, std::vector<Value*> operands,
                      const std::vector<const TensorType*>& result_types, AttrMap attrs) {
  return graph_->CreateOp(kind, std::move(operands), result_types, std::move(attrs),
                          insert_before_);
}

Value* Builder::Create(OpKind kind, std::vector<Value*> operands, const TensorType* result_type,
                       AttrMap attrs) {
  return CreateOp(kind, std::move(operands), {result_type}, std::move(attrs))->result(0);
}

const TensorType* Builder::Type(ScalarType scalar, const std::vector<int64_t>& sizes) {
  return context().GetType(scalar, Shape::Static(sizes));
}

const TensorType* Builder::F32(std::vector<Dim> dims) {
  return context().GetType(ScalarType::kF32, Shape(std::move(dims)));
}

Value* Builder::ConstantF32(const std::vector<int64_t>& sizes, const std::vector<float>& values,
                            std::string_view name_hint) {
  assert(Shape::Static(sizes).num_elements() == static_cast<int64_t>(values.size()));
  return graph_->AddConstant(Type(ScalarType::kF32, sizes), TensorData::FromVector(values),
                             name_hint);
}

Value* Builder::ConstantI64(const std::vector<int64_t>& sizes, const std::vector<int64_t>& values,
                            std::string_view name_hint) {
  assert(Shape::Static(sizes).num_elements() == static_cast<int64_t>(values.size()));
  return graph_->AddConstant(Type(ScalarType::kI64, sizes), TensorData::FromVector(values),
                             name_hint);
}

}  // namespace kiln::ir
