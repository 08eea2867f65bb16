// Parses Kiln's textual form (docs/ir.md) into a graph.
//
// Never crashes on any input; on error returns `file:line:col: message` for the first problem.
//
//   Context ctx;
//   Expected<std::unique_ptr<Graph>> g = ParseGraph(text, "model.kir", ctx);
//   if (!g) { std::cerr << g.error().message() << "\n"; return 1; }
#pragma once

#include <memory>
#include <string_view>

#include "ir/graph.h"
#include "ir/status.h"

namespace kiln::ir {

Expected<std::unique_ptr<Graph>> ParseGraph(std::string_view text, std::string_view filename,
                                            Context& ctx);

}  // namespace kiln::ir
