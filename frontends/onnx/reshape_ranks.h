// Gives Reshape results the rank that their shape operand's length fixes, where ONNX shape
// inference left them without a shape. ONNX 1.12 infers a Reshape only when it knows the target
// values; its data propagation stops at ops like Cast, so a target computed
// Shape -> Slice -> Cast -> Concat (paddle2onnx's pattern) gives an unranked result, and so does
// everything after it. The rank alone is often what the importer needs (opset < 13 Softmax
// flattens around its axis), and it is certain: the result has as many dims as the target has
// elements. Rerunning inference with these ranks as value_info lets them flow downstream.
//
//   while (AddReshapeRanks(*inferred.mutable_graph())) RunShapeInference(inferred);
#pragma once

#include <onnx/onnx_pb.h>

namespace kiln::onnx_import {

// For each Reshape of `graph` (not its subgraphs) whose result has no shape, whose data's
// element type is known and whose target is 1-D with a static length n (at most ir::kMaxRank):
// records the result as rank n with unknown dims (in its value_info, or its graph output entry).
// Returns whether it recorded any.
bool AddReshapeRanks(onnx::GraphProto& graph);

}  // namespace kiln::onnx_import
