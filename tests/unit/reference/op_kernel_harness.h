// A test fixture that runs one op kernel the way the interpreter does: it builds the op in a
// small graph (operands as graph inputs, null for absent ones) and calls the kernel from an
// OpKernelTable filled by the Register function under test.
//
//   class CopyOpsTest : public OpKernelHarness {
//    protected:
//     CopyOpsTest() { RegisterMovementOps(table_); }
//   };
//   Expected<std::vector<Tensor>> y = Run(OpKind::kConcat, {&a, &b}, {DType::kF32}, attrs);
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ir/builder.h"
#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

class OpKernelHarness : public ::testing::Test {
 protected:
  const ir::TensorType* TypeOf(DType dtype, const Shape& shape) {
    return ctx_.GetType(static_cast<ir::ScalarType>(dtype), ir::Shape::Static(shape));
  }

  // Runs `kind` on `operands` (null: absent) with results of the given dtypes; the result
  // shapes in the IR are placeholders, kernels compute the real ones.
  Expected<std::vector<Tensor>> Run(ir::OpKind kind, std::vector<const Tensor*> operands,
                                    std::vector<DType> results, ir::AttrMap attrs = {}) {
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

}  // namespace kiln::ref
