// Liveness of the values of a root graph, in op indices: where each value is defined and
// where it is last used. The memory planner turns these intervals into buffer lifetimes.
//
// Ops are numbered 0..num_ops()-1 in program order. Inputs and constants are defined at -1
// (before the first op); graph outputs are used at num_ops() (live to the end); a value used
// only inside a region of op k is last used at k; an unused value dies where it is defined.
// Values defined inside regions are not covered.
//
//   const Liveness& live = ctx.GetAnalysis<Liveness>(graph);
//   Liveness::Interval i = live.Get(op->result(0));   // [i.def, i.last_use]
//   bool overlap = live.Interferes(a, b);
#pragma once

#include <string_view>
#include <unordered_map>
#include <vector>

#include "ir/graph.h"

namespace kiln {

class Liveness {
 public:
  static constexpr std::string_view kName = "liveness";

  struct Interval {
    int def;       // index of the defining op; -1 for inputs and constants
    int last_use;  // index of the last using op; num_ops() for graph outputs
    bool operator==(const Interval&) const = default;
  };

  explicit Liveness(const ir::Graph& graph);

  int num_ops() const { return static_cast<int>(ops_.size()); }
  const ir::Op* op(int index) const { return ops_[index]; }
  int OpIndex(const ir::Op* op) const;
  // Inputs, constants, then op results in program order.
  const std::vector<const ir::Value*>& values() const { return values_; }
  bool Contains(const ir::Value* value) const { return intervals_.count(value) != 0; }
  // Requires Contains(value).
  Interval Get(const ir::Value* value) const;
  // True when both values are live at some op (their intervals intersect).
  bool Interferes(const ir::Value* a, const ir::Value* b) const;

 private:
  std::vector<const ir::Op*> ops_;
  std::unordered_map<const ir::Op*, int> op_index_;
  std::vector<const ir::Value*> values_;
  std::unordered_map<const ir::Value*, Interval> intervals_;
};

}  // namespace kiln
