// From a graph to memory-planner requests: one buffer per op result of the root graph.
//
// Lifetimes come from liveness (passes/analysis/liveness.h): a buffer lives from the op that
// defines it through its last use; graph outputs live to the end (op index num_ops()). Graph
// inputs and constants are not planned (the caller owns them), nor are values inside regions,
// nor packed constants (codegen/packed_constant.h: the artifact holds them as constants).
// Sizes come from the result type: static dims, symbolic dims bound through `dims` (plan for
// a maximum batch), unknown dims from `bound_shapes` when given (codegen/bound_shapes.h), then
// `bytes` (a target may pad; dense by default, packed as ir::StorageBytes counts them); an
// unknown dim, an unbound symbol or an unranked shape is an error naming the value.
//
// In place: a result may be written over an operand when the operand is an op result whose
// last use is this op and both take the same bytes: the operand of a unary elementwise op, an
// operand of a broadcast binary op with the result's exact type, the residual of a conv or
// linear (oneDNN's sum post-op accumulates into the output buffer), or the data operand of a
// reshape-like op (reshape, flatten, squeeze, unsqueeze: same bytes, new shape), which then
// costs no memory and no copy when the runtime sees source and destination coincide.
//
//   Expected<BufferRequests> r = CollectBufferRequests(graph, {{"N", 8}});
//   if (!r) return r.error();
//   MemoryPlan plan = PlanMemoryGreedy(r->requests);   // plan.offsets[i] is r->values[i]'s
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "codegen/bound_shapes.h"
#include "codegen/memory_planner.h"
#include "ir/graph.h"
#include "ir/status.h"

namespace kiln::codegen {

struct BufferRequests {
  std::vector<BufferRequest> requests;
  std::vector<const ir::Value*> values;  // values[i] is the value requests[i] holds
};

// Bytes a buffer of `type` needs when its dims are `dims` (all static).
using BufferBytesFn = std::function<int64_t(const ir::TensorType& type, std::span<const int64_t>)>;

// Dense storage: ir::StorageBytes of the product of `dims`.
int64_t DenseBytes(const ir::TensorType& type, std::span<const int64_t> dims);

struct BufferRequestOptions {
  std::map<std::string, int64_t> dims = {};   // the bound of each symbolic dim
  const BoundShapes* bound_shapes = nullptr;  // where unknown dims come from, if anywhere
  BufferBytesFn bytes = nullptr;              // null: DenseBytes
};

Expected<BufferRequests> CollectBufferRequests(const ir::Graph& graph,
                                               const BufferRequestOptions& options);
// Dense sizes, symbols bound through `dims`.
Expected<BufferRequests> CollectBufferRequests(const ir::Graph& graph,
                                               const std::map<std::string, int64_t>& dims);

}  // namespace kiln::codegen
