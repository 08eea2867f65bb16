// What shapes an op's results have, worked out from its operands' types and constant operands:
// the rules of the ONNX operators for the op kinds real models are made of (elementwise and
// broadcasting ops, matmul/gemm/linear, conv and pooling, reshape/transpose/concat/slice/gather,
// reductions, ...). Symbolic dims flow through where the rule keeps them (`N` stays `N`); a dim
// that would need arithmetic on symbols becomes unknown (`?`).
//
//   std::vector<std::optional<ir::Shape>> shapes = InferResultShapes(*op);
//   if (shapes[0]) merged = MergeShapes(op->result(0)->type()->shape(), *shapes[0]);
#pragma once

#include <optional>
#include <vector>

#include "ir/op.h"
#include "ir/shape.h"

namespace kiln {

// One entry per result: the inferred shape, or nullopt where there is no rule (or too little
// is known). Never fails: an op whose operands contradict its rule gets nullopt.
std::vector<std::optional<ir::Shape>> InferResultShapes(const ir::Op& op);

// The more precise of two descriptions of one shape: ranked over unranked; per dim static over
// symbolic over unknown (two different symbols: `a`'s). nullopt when they contradict
// (different ranks or different static sizes).
std::optional<ir::Shape> MergeShapes(const ir::Shape& a, const ir::Shape& b);

}  // namespace kiln
