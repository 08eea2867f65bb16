// The static dims every op result of a graph has when each symbolic dim takes its bound: what
// memory planning sizes buffers by when a model is compiled for a maximum batch.
//
// Symbols are replaced by their bounds. Dims the IR only knows as unknown (`?`) because they
// need arithmetic on symbols (a reshape of f32[128,N,256] to [128,-1,32] gives f32[128,?,32],
// which is 8N) are worked out by running shape inference over the graph with every symbol at
// its bound. The graph's types are changed while that runs and restored before returning.
//
//   BoundShapes shapes = InferBoundShapes(graph, {{"N", 4}});
//   shapes.at(reshape->result(0))   // {128, 32, 32}
//   shapes.count(v) == 0            // v's dims stay unknown even with N = 4
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/graph.h"

namespace kiln::codegen {

using BoundShapes = std::unordered_map<const ir::Value*, std::vector<int64_t>>;

// One entry per op result of the root graph whose dims are all known at the bounds (ops with
// regions are skipped).
BoundShapes InferBoundShapes(ir::Graph& graph, const std::map<std::string, int64_t>& bounds);

}  // namespace kiln::codegen
