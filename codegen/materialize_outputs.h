// Makes every graph output its own op result, so the runtime finds each output in the arena.
//
// An artifact's outputs are arena tensors written by ops. A graph output that is a graph input,
// a constant, or the same value as an earlier output gets an `identity` op copying it into a
// new, unnamed value, which becomes the output (the artifact names output tensors after the
// graph's output names). Run it after the optimization pipeline (which would remove the
// identities again) and before memory planning.
//
//   graph @g(%x: f32[4]) -> (f32[4]) { return %x }
//   MaterializeGraphOutputs(graph);   // %x' = identity(%x); return %x'
//   int added = MaterializeGraphOutputs(graph);   // 0 the second time
#pragma once

#include "ir/graph.h"

namespace kiln::codegen {

// Returns how many identity ops it added.
int MaterializeGraphOutputs(ir::Graph& graph);

}  // namespace kiln::codegen
