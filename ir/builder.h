// Convenience API for building graphs: an insertion point plus typed helpers.
//
//   Builder b(graph);
//   Value* w = b.ConstantF32({4, 3}, weights);
//   Value* y = b.Create(OpKind::kMatMul, {x, w}, b.F32({Dim::Symbol("N"), Dim(3)}));
//   b.SetInsertionPoint(some_op);   // later ops go before some_op
#pragma once

#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace kiln::ir {

class Builder {
 public:
  explicit Builder(Graph& graph) : graph_(&graph) {}

  Graph& graph() const { return *graph_; }
  Context& context() const { return graph_->context(); }

  // New ops are inserted before `op` (or appended at the end).
  void SetInsertionPoint(Op* op) { insert_before_ = op; }
  void SetInsertionPointToEnd() { insert_before_ = nullptr; }

  Op* CreateOp(OpKind kind, std::vector<Value*> operands,
               const std::vector<const TensorType*>& result_types, AttrMap attrs = {});
  // Single-result form: returns the result.
  Value* Create(OpKind kind, std::vector<Value*> operands, const TensorType* result_type,
                AttrMap attrs = {});

  const TensorType* Type(ScalarType scalar, const std::vector<int64_t>& sizes);
  // A one-element static shape must be spelled F32(std::vector<int64_t>{n}): `{n}` alone is
  // ambiguous between the two overloads.
  const TensorType* F32(std::vector<Dim> dims);
  const TensorType* F32(const std::vector<int64_t>& sizes) { return Type(ScalarType::kF32, sizes); }

  Value* ConstantF32(const std::vector<int64_t>& sizes, const std::vector<float>& values,
                     std::string_view name_hint = "");
  Value* ConstantI64(const std::vector<int64_t>& sizes, const std::vector<int64_t>& values,
                     std::string_view name_hint = "");

 private:
  Graph* graph_;
  Op* insert_before_ = nullptr;
};

}  // namespace kiln::ir
