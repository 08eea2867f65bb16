#include "codegen/bound_shapes.h"

#include <optional>
#include <utility>

#include "passes/shapes/shape_inference.h"

namespace kiln::codegen {
namespace {

// Sets value types and remembers the first type of each, to put everything back.
class TypeOverrides {
 public:
  explicit TypeOverrides(ir::Context& ctx) : ctx_(ctx) {}
  TypeOverrides(const TypeOverrides&) = delete;
  TypeOverrides& operator=(const TypeOverrides&) = delete;
  ~TypeOverrides() {
    // Latest first, so a value changed twice ends with its original type.
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) it->first->set_type(it->second);
  }

  void SetShape(ir::Value* value, ir::Shape shape) {
    const ir::TensorType* type = value->type();
    if (type->shape() == shape) return;
    saved_.emplace_back(value, type);
    value->set_type(ctx_.GetType(type->scalar(), std::move(shape), type->quant()));
  }

 private:
  ir::Context& ctx_;
  std::vector<std::pair<ir::Value*, const ir::TensorType*>> saved_;
};

ir::Shape Bind(const ir::Shape& shape, const std::map<std::string, int64_t>& bounds) {
  if (!shape.is_ranked()) return shape;
  std::vector<ir::Dim> dims = shape.dims();
  for (ir::Dim& d : dims) {
    if (!d.is_symbolic()) continue;
    if (auto it = bounds.find(d.symbol()); it != bounds.end()) d = ir::Dim(it->second);
  }
  return ir::Shape(std::move(dims));
}

}  // namespace

BoundShapes InferBoundShapes(ir::Graph& graph, const std::map<std::string, int64_t>& bounds) {
  BoundShapes out;
  TypeOverrides overrides(graph.context());
  for (int i = 0; i < graph.num_inputs(); ++i) {
    ir::Value* input = graph.input(i);
    overrides.SetShape(input, Bind(input->type()->shape(), bounds));
  }
  for (ir::Op* op : graph.ops()) {
    if (op->num_regions() > 0) continue;
    // Bind the declared result shapes first: the inferred ones are merged into them.
    for (int r = 0; r < op->num_results(); ++r) {
      ir::Value* result = op->result(r);
      overrides.SetShape(result, Bind(result->type()->shape(), bounds));
    }
    std::vector<std::optional<ir::Shape>> inferred = InferResultShapes(*op);
    for (int r = 0; r < op->num_results(); ++r) {
      ir::Value* result = op->result(r);
      if (r < static_cast<int>(inferred.size()) && inferred[r]) {
        if (std::optional<ir::Shape> merged = MergeShapes(result->type()->shape(), *inferred[r])) {
          overrides.SetShape(result, std::move(*merged));
        }
      }
      const ir::Shape& shape = result->type()->shape();
      if (shape.is_ranked() && shape.is_static()) out[result] = shape.static_sizes();
    }
  }
  return out;
}

}  // namespace kiln::codegen
