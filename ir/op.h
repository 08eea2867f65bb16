// An op: a kind from ir/ops.def, operands, results, sorted attributes, and (for `if`)
// regions holding nested graphs.
//
// Ops are created by Graph::CreateOp (or the Builder) and owned by their graph.
//
//   Op* relu = graph.CreateOp(OpKind::kRelu, {x}, {x->type()});
//   relu->result(0)->uses();  relu->attrs().Set("alpha", 0.1);
#pragma once

#include <list>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ir/attribute.h"
#include "ir/op_kind.h"
#include "ir/value.h"

namespace kiln::ir {

class Graph;

class Op {
 public:
  Op(const Op&) = delete;
  Op& operator=(const Op&) = delete;
  ~Op();

  OpKind kind() const { return kind_; }
  const OpSchema& schema() const { return GetOpSchema(kind_); }
  std::string_view kind_name() const { return OpKindName(kind_); }

  // Operands may be null where an optional operand is absent before a present one.
  int num_operands() const { return static_cast<int>(operands_.size()); }
  Value* operand(int i) const { return operands_[i]; }
  std::span<Value* const> operands() const { return operands_; }
  void SetOperand(int i, Value* value);
  void SetOperands(std::vector<Value*> operands);

  int num_results() const { return static_cast<int>(results_.size()); }
  Value* result(int i = 0) const { return results_[i].get(); }
  bool has_result_uses() const;

  AttrMap& attrs() { return attrs_; }
  const AttrMap& attrs() const { return attrs_; }

  int num_regions() const { return static_cast<int>(regions_.size()); }
  Graph& region(int i) const { return *regions_[i]; }
  // Appends an empty region (a nested graph sharing this op's context and constant pool).
  Graph& AddRegion(std::string name);

  // The source node name, for error messages; may be empty.
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

  // The graph that contains this op.
  Graph* graph() const { return graph_; }

  // Clears operands (and nested regions' references), updating use lists.
  void DropAllReferences();

 private:
  friend class Graph;
  Op(OpKind kind, Graph* graph);

  OpKind kind_;
  Graph* graph_;
  std::vector<Value*> operands_;
  std::vector<std::unique_ptr<Value>> results_;
  AttrMap attrs_;
  std::vector<std::unique_ptr<Graph>> regions_;
  std::string name_;
  std::list<std::unique_ptr<Op>>::iterator position_;  // in graph_->ops_
};

}  // namespace kiln::ir
