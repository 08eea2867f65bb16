// A deep copy of a graph: same inputs, constants, ops (with their regions), attributes, names and
// outputs, sharing the interned types and the constants' bytes (TensorData is immutable), so a
// copy of a large model costs its op count, not its weight bytes. Passes that compare a
// transformed graph against the original (quantization error analysis) work on a copy.
//
//   ValueMap map;
//   std::unique_ptr<Graph> copy = CloneGraph(graph, &map);
//   const Value* same = map.at(graph.input(0));   // the copy's input 0
#pragma once

#include <memory>
#include <unordered_map>

#include "ir/graph.h"

namespace kiln::ir {

using ValueMap = std::unordered_map<const Value*, Value*>;

// `map` (optional) receives every value of `graph` and of its regions, keyed by the original.
std::unique_ptr<Graph> CloneGraph(const Graph& graph, ValueMap* map = nullptr);

}  // namespace kiln::ir
