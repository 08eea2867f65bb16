// infer-shapes: makes result types as precise as the operands allow (passes/shapes/
// shape_inference.h). Importers leave types imprecise where ONNX shape inference gave up (a
// reshape to a computed shape is `f32[*]`); later passes and the runtimes' memory planners
// want every dim they can get. A type only ever gains precision: a dim known to the IR stays.
//
//   kiln opt model.onnx --pipeline infer-shapes -o out.kir
//   f32[*] -> f32[128,N,256], f32[?,256] -> f32[N,256] where the rules say so
#pragma once

#include "passes/pass.h"

namespace kiln {

class InferShapesPass : public Pass {
 public:
  std::string_view name() const override { return "infer-shapes"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
