#include "passes/shapes/simplify_shapes.h"

#include <cstdint>
#include <optional>
#include <vector>

#include "passes/match.h"
#include "passes/pass_context.h"
#include "passes/shapes/shape_values.h"

namespace kiln {
namespace {

// A constant holding `values` with the scalar type and rank of `like` (i64 or i32; rank 0 or 1).
ir::Value* IntConstantLike(ir::Graph& graph, const ir::Value* like,
                           const std::vector<int64_t>& values) {
  const ir::TensorType* t = like->type();
  std::vector<int64_t> sizes;
  if (t->rank() == 1) sizes.push_back(static_cast<int64_t>(values.size()));
  const ir::TensorType* type = graph.context().GetType(t->scalar(), ir::Shape::Static(sizes));
  std::shared_ptr<const ir::TensorData> data;
  if (t->scalar() == ir::ScalarType::kI32) {
    std::vector<int32_t> narrow(values.begin(), values.end());
    data = ir::TensorData::FromVector(narrow);
  } else {
    data = ir::TensorData::FromVector(values);
  }
  return graph.AddConstant(type, std::move(data), like->name());
}

std::optional<std::vector<int64_t>> AllConstant(const std::vector<DimTerm>& terms) {
  std::vector<int64_t> out;
  for (const DimTerm& t : terms) {
    if (!t.is_constant()) return std::nullopt;
    out.push_back(t.value);
  }
  return out;
}

// A constant reshape target for `x` equal to `terms`: known sizes as they are, a term that is
// x's own dim at the same position as 0 (copy), and at most one other term as -1.
std::optional<std::vector<int64_t>> ReshapeTarget(const ir::Value* x,
                                                  const std::vector<DimTerm>& terms,
                                                  bool allowzero) {
  std::vector<int64_t> target;
  bool inferred = false;
  for (int i = 0; i < static_cast<int>(terms.size()); ++i) {
    const DimTerm& t = terms[i];
    if (t.is_constant()) {
      // A computed 0 means an empty tensor, but a constant 0 would mean "copy".
      if (t.value < 0 || (t.value == 0 && !allowzero)) return std::nullopt;
      target.push_back(t.value);
    } else if (!allowzero && t.IsDimOf(x, i)) {
      target.push_back(0);
    } else if (!inferred) {
      inferred = true;
      target.push_back(-1);
    } else {
      return std::nullopt;
    }
  }
  return target;
}

// A constant expand target equal to `terms`: where a term is x's aligned dim, 1 (expand keeps
// x's dim); every other term must be a known size.
std::optional<std::vector<int64_t>> ExpandTarget(const ir::Value* x,
                                                 const std::vector<DimTerm>& terms) {
  const ir::Shape& s = x->type()->shape();
  if (!s.is_ranked()) return std::nullopt;
  const int offset = static_cast<int>(terms.size()) - s.rank();
  std::vector<int64_t> target;
  for (int i = 0; i < static_cast<int>(terms.size()); ++i) {
    const DimTerm& t = terms[i];
    if (t.is_constant()) {
      target.push_back(t.value);
    } else if (i >= offset && t.IsDimOf(x, i - offset)) {
      target.push_back(1);
    } else {
      return std::nullopt;
    }
  }
  return target;
}

}  // namespace

PassResult SimplifyShapesPass::run(ir::Graph& graph, PassContext& ctx) {
  ShapeValues values(graph);
  int64_t folded = 0;
  int64_t targets = 0;
  for (ir::Op* op : graph.OpList()) {
    // Shape arithmetic whose every element is known: a constant.
    if (op->num_results() == 1 && op->result()->has_uses()) {
      const std::vector<DimTerm>* terms = values.Find(op->result());
      if (terms != nullptr) {
        if (std::optional<std::vector<int64_t>> v = AllConstant(*terms)) {
          op->result()->ReplaceAllUsesWith(IntConstantLike(graph, op->result(), *v));
          ++folded;
          continue;
        }
      }
    }
    const bool reshape = op->kind() == ir::OpKind::kReshape;
    const bool expand = op->kind() == ir::OpKind::kExpand;
    if ((!reshape && !expand) || op->operand(1)->is_constant()) continue;
    const std::vector<DimTerm>* terms = values.Find(op->operand(1));
    if (terms == nullptr || op->operand(1)->type()->rank() != 1) continue;
    std::optional<std::vector<int64_t>> target =
        reshape ? ReshapeTarget(op->operand(0), *terms, op->attrs().GetInt("allowzero", 0) != 0)
                : ExpandTarget(op->operand(0), *terms);
    if (!target) continue;
    op->SetOperand(1, IntConstantLike(graph, op->operand(1), *target));
    ++targets;
  }
  ctx.AddStatistic("values-folded", folded);
  ctx.AddStatistic("targets-made-constant", targets);
  return PassResult::ChangedIf(folded + targets > 0);
}

}  // namespace kiln
