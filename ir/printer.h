// Prints a graph in Kiln's textual form (docs/ir.md), deterministically.
//
//   std::string text = PrintGraph(graph);
//   std::string brief = PrintGraph(graph, {.elide_constants = true});
#pragma once

#include <ostream>
#include <string>

#include "ir/graph.h"

namespace kiln::ir {

struct PrintOptions {
  // Print constant data as `<elided>` (readable, but the parser rejects it).
  bool elide_constants = false;
  // Print `loc("...")` for ops that carry a source name.
  bool print_locations = true;
};

void PrintGraph(const Graph& graph, std::ostream& os, const PrintOptions& options = {});
std::string PrintGraph(const Graph& graph, const PrintOptions& options = {});

// The type in textual form; same as TensorType::ToString.
std::string PrintType(const TensorType& type);

}  // namespace kiln::ir
