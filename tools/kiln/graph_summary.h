// A human-readable summary of a graph for `kiln inspect`: signature, op counts, parameters.
//
//   std::cout << SummarizeGraph(graph);
//   // graph @net
//   //   inputs   %x: f32[N,3,32,32]   ...
#pragma once

#include <string>

#include "ir/graph.h"

namespace kiln::cli {

struct GraphStats {
  int64_t num_ops = 0;                                     // including ops in regions
  std::vector<std::pair<std::string, int64_t>> op_counts;  // by kind name, sorted
  int64_t num_constants = 0;                               // pool entries
  int64_t num_parameters = 0;                              // elements over all pool entries
  int64_t parameter_bytes = 0;
  std::vector<std::pair<std::string, int64_t>> parameters_by_type;  // scalar type -> elements
};

GraphStats ComputeGraphStats(const ir::Graph& graph);
std::string SummarizeGraph(const ir::Graph& graph);

}  // namespace kiln::cli
