// A value: a graph input, a constant, or one result of an op. It knows its type, where it
// comes from, and every place that uses it.
//
// Values are created and owned by Graph and Op; code holds them as `Value*`.
//
//   for (const Use& use : value->uses()) { ... use.op->operand(use.index) == value ... }
//   value->ReplaceAllUsesWith(other);   // also updates graph outputs
#pragma once

#include <string>
#include <vector>

#include "ir/tensor_type.h"

namespace kiln::ir {

class Graph;
class Op;
struct Constant;

// Either operand `index` of `op`, or output `index` of `graph` (op == nullptr).
struct Use {
  Op* op = nullptr;
  Graph* graph = nullptr;
  int index = 0;

  bool is_graph_output() const { return op == nullptr; }
  bool operator==(const Use&) const = default;
};

enum class ValueKind : uint8_t { kInput, kConstant, kOpResult };

class Value {
 public:
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;

  ValueKind kind() const { return kind_; }
  bool is_input() const { return kind_ == ValueKind::kInput; }
  bool is_constant() const { return kind_ == ValueKind::kConstant; }
  bool is_op_result() const { return kind_ == ValueKind::kOpResult; }

  const TensorType* type() const { return type_; }
  void set_type(const TensorType* type) { type_ = type; }

  // The op producing this value (null for inputs and constants) and which result it is.
  Op* producer() const { return producer_; }
  int result_index() const { return result_index_; }
  // The graph in which the value is defined.
  Graph* graph() const { return graph_; }
  // The pool entry of a constant value (null otherwise).
  Constant* constant() const { return constant_; }

  // The source name (ONNX tensor name, or the textual IR's `%name`); may be empty.
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

  const std::vector<Use>& uses() const { return uses_; }
  bool has_uses() const { return !uses_.empty(); }
  // Redirects every operand and graph output that uses this value to `other`.
  void ReplaceAllUsesWith(Value* other);

 private:
  friend class Graph;
  friend class Op;
  Value(ValueKind kind, const TensorType* type, Graph* graph)
      : kind_(kind), type_(type), graph_(graph) {}

  void AddUse(const Use& use) { uses_.push_back(use); }
  void RemoveUse(const Use& use);

  ValueKind kind_;
  const TensorType* type_;
  Graph* graph_;
  Op* producer_ = nullptr;
  int result_index_ = 0;
  Constant* constant_ = nullptr;
  std::string name_;
  std::vector<Use> uses_;
};

}  // namespace kiln::ir
