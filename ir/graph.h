// A graph: inputs, constants, ops in topological order, and named outputs.
//
// The root graph owns the constant pool and refers to a Context for interned types; regions
// (the branches of `if`) are graphs nested in an op, may use values of enclosing graphs, and
// share the root's pool.
//
//   Context ctx;
//   Graph g(ctx, "net");
//   Value* x = g.AddInput("x", ctx.GetType(ScalarType::kF32, Shape::Static({4})));
//   Op* relu = g.CreateOp(OpKind::kRelu, {x}, {x->type()});
//   g.AddOutput(relu->result(0), "y");
#pragma once

#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ir/attribute.h"
#include "ir/constant_pool.h"
#include "ir/context.h"
#include "ir/op.h"
#include "ir/value.h"

namespace kiln::ir {

using OpListStorage = std::list<std::unique_ptr<Op>>;

struct GraphOutput {
  Value* value;
  std::string name;  // the model's output name; may be empty
};

class Graph {
 public:
  explicit Graph(Context& ctx, std::string name = "main");
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  ~Graph();

  Context& context() const { return *ctx_; }
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

  // Inputs.
  Value* AddInput(std::string name, const TensorType* type);
  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  Value* input(int i) const { return inputs_[i].get(); }

  // Constants: values that refer to entries of the (root's) constant pool.
  Value* AddConstant(const TensorType* type, std::shared_ptr<const TensorData> data,
                     std::string_view pool_name_hint = "");
  Value* AddConstantRef(Constant* constant);
  int num_constants() const { return static_cast<int>(constants_.size()); }
  Value* constant(int i) const { return constants_[i].get(); }
  // Removes a constant value that has no uses (the pool entry stays until PrunePool).
  void EraseConstant(Value* value);
  ConstantPool& pool() const;
  // Drops pool entries that no constant value in this graph tree refers to; returns how many.
  int PrunePool();

  // Ops, in topological order.
  Op* CreateOp(OpKind kind, std::vector<Value*> operands,
               const std::vector<const TensorType*>& result_types, AttrMap attrs = {},
               Op* insert_before = nullptr);
  // Removes an op whose results have no uses.
  void EraseOp(Op* op);
  void MoveOpBefore(Op* op, Op* before);
  class OpRange;
  OpRange ops() const;
  // A copy of the op list, for loops that erase or insert ops.
  std::vector<Op*> OpList() const;
  size_t num_ops() const { return ops_.size(); }

  // Outputs.
  void AddOutput(Value* value, std::string name = "");
  void SetOutput(int i, Value* value);
  int num_outputs() const { return static_cast<int>(outputs_.size()); }
  Value* output(int i) const { return outputs_[i].value; }
  const std::string& output_name(int i) const { return outputs_[i].name; }
  void set_output_name(int i, std::string name) { outputs_[i].name = std::move(name); }

  // Nesting: the op whose region this is (null for the root graph).
  Op* parent_op() const { return parent_op_; }
  Graph* parent_graph() const;
  Graph& root();
  const Graph& root() const;
  // True when `value` is defined in this graph or in a graph enclosing it.
  bool IsVisible(const Value* value) const;

  // Clears every reference this graph and its regions hold (operands and outputs).
  void DropAllReferences();

 private:
  friend class Op;
  Graph(Context& ctx, std::string name, Op* parent_op);

  Context* ctx_;
  std::string name_;
  Op* parent_op_ = nullptr;
  std::unique_ptr<ConstantPool> pool_;  // root only
  std::vector<std::unique_ptr<Value>> inputs_;
  std::vector<std::unique_ptr<Value>> constants_;
  OpListStorage ops_;
  std::vector<GraphOutput> outputs_;
};

// Iterates a graph's ops as `Op*` (a view; erasing the current op invalidates it).
class Graph::OpRange {
 public:
  class iterator {
   public:
    using difference_type = std::ptrdiff_t;
    using value_type = Op*;
    iterator() = default;
    explicit iterator(OpListStorage::const_iterator it) : it_(it) {}
    Op* operator*() const { return it_->get(); }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++it_;
      return old;
    }
    bool operator==(const iterator&) const = default;

   private:
    OpListStorage::const_iterator it_;
  };

  explicit OpRange(const OpListStorage& ops) : ops_(&ops) {}
  iterator begin() const { return iterator(ops_->begin()); }
  iterator end() const { return iterator(ops_->end()); }

 private:
  const OpListStorage* ops_;
};

inline Graph::OpRange Graph::ops() const { return OpRange(ops_); }

}  // namespace kiln::ir
