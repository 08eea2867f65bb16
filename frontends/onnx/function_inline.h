// Ops that Kiln has no kind for but ONNX defines as a function of other ops (Celu,
// MeanVarianceNormalization, NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss, ...), and the
// model's own functions, are imported by inlining the function body: its values get unique
// names under the node's, formal inputs and outputs are bound to the node's, attribute
// references take the node's attributes (or the schema's defaults), and the body is
// shape-inferred from the operands' types before its nodes are imported one by one.
//
//   if (HasFunctionBody(node, state)) return InlineFunction(node, state);
#pragma once

#include <onnx/onnx_pb.h>

#include "frontends/onnx/import_state.h"

namespace kiln::onnx_import {

bool HasFunctionBody(const onnx::NodeProto& node, const ImportState& state);
Status InlineFunction(const onnx::NodeProto& node, ImportState& state);

}  // namespace kiln::onnx_import
