// From a graph to memory-planner requests: one buffer per op result of the root graph.
//
// Lifetimes come from liveness (passes/analysis/liveness.h): a buffer lives from the op that
// defines it through its last use; graph outputs live to the end (op index num_ops()). Graph
// inputs and constants are not planned (the caller owns them), nor are values inside regions.
// Sizes come from the result type: static dims, symbolic dims bound through `dims` (plan for
// a maximum batch), packed as ir::StorageBytes counts them; an unknown dim, an unbound symbol
// or an unranked shape is an error naming the value. A result of a unary elementwise op, or of
// a broadcast binary op with an operand of the result's exact type, may be written over that
// operand when the operand is an op result whose last use is this op (`inplace_of`).
//
//   Expected<BufferRequests> r = CollectBufferRequests(graph, {{"N", 8}});
//   if (!r) return r.error();
//   MemoryPlan plan = PlanMemoryGreedy(r->requests);   // plan.offsets[i] is r->values[i]'s
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "codegen/memory_planner.h"
#include "ir/graph.h"
#include "ir/status.h"

namespace kiln::codegen {

struct BufferRequests {
  std::vector<BufferRequest> requests;
  std::vector<const ir::Value*> values;  // values[i] is the value requests[i] holds
};

Expected<BufferRequests> CollectBufferRequests(const ir::Graph& graph,
                                               const std::map<std::string, int64_t>& dims);

}  // namespace kiln::codegen
