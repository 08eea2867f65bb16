#include "ir/value.h"

#include <algorithm>
#include <cassert>

#include "ir/graph.h"
#include "ir/op.h"

namespace kiln::ir {

void Value::RemoveUse(const Use& use) {
  auto it = std::find(uses_.begin(), uses_.end(), use);
  assert(it != uses_.end() && "removing a use that was never added");
  if (it != uses_.end()) uses_.erase(it);
}

void Value::ReplaceAllUsesWith(Value* other) {
  if (other == this) return;
  // Setting an operand edits uses_, so work on a copy.
  std::vector<Use> uses = uses_;
  for (const Use& use : uses) {
    if (use.is_graph_output()) {
      use.graph->SetOutput(use.index, other);
    } else {
      use.op->SetOperand(use.index, other);
    }
  }
}

}  // namespace kiln::ir
