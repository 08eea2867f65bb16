// Checks that a graph is well formed.
//
// Structure: operand/result/region counts match ir/ops.def, every operand is defined before
// use (topological order) and visible from the op's graph, use lists agree with operands and
// outputs, attributes are known and of the schema's kind, required ones present.
// Types: operands and results have types, elementwise and broadcast ops agree on scalar type
// and shape, quantization specs match their shapes, constants match their pool entries.
//
//   Status s = VerifyGraph(graph);
//   if (!s.ok()) std::cerr << s.message();  // "verify: conv "Conv_0" (op #3 in @net): ..."
#pragma once

#include "ir/graph.h"
#include "ir/status.h"

namespace kiln::ir {

Status VerifyGraph(const Graph& graph);

}  // namespace kiln::ir
