#include "ir/value.h"

#include <algorithm>
#include <cassert>
#include <iterator>

#include "ir/graph.h"
#include "ir/op.h"

namespace kiln::ir {

void Value::RemoveUse(const Use& use) {
  // Search from the back: graphs are torn down last op first, so the use to remove is
  // usually the newest one, and erasing at the end is cheap.
  auto it = std::find(uses_.rbegin(), uses_.rend(), use);
  assert(it != uses_.rend() && "removing a use that was never added");
  if (it != uses_.rend()) uses_.erase(std::next(it).base());
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
