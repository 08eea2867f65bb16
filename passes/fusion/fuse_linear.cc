#include "passes/fusion/fuse_linear.h"

#include <optional>
#include <string>
#include <vector>

#include "passes/fusion/fusion_rewrite.h"
#include "passes/match.h"
#include "passes/pass_context.h"

namespace kiln {
namespace {

// The linear replacing add(matmul(x, w), bias) (the matmul is operand `side` of the add), or
// null when the pattern does not hold.
ir::Op* FormLinear(ir::Op& add, int side) {
  ir::Value* mm_result = add.operand(side);
  ir::Value* bias = add.operand(1 - side);
  ir::Op* mm = ProducerOf(mm_result, ir::OpKind::kMatMul);
  if (mm == nullptr || bias == nullptr || !bias->is_constant()) return nullptr;
  if (mm->graph() != add.graph() || !HasOneUse(mm_result) || !CanFuseInto(*mm)) return nullptr;
  ir::Value* x = mm->operand(0);
  ir::Value* w = mm->operand(1);
  if (x == nullptr || w == nullptr || !IsPlainF32(x->type())) return nullptr;
  const ir::Shape& x_shape = x->type()->shape();
  const ir::Shape& y_shape = mm_result->type()->shape();
  std::optional<std::vector<int64_t>> w_sizes = StaticSizes(w->type());
  if (!x_shape.is_ranked() || x_shape.rank() < 1 || !w_sizes || w_sizes->size() != 2 ||
      !IsPlainF32(w->type()) || !FloatConstant(w)) {
    return nullptr;
  }
  // [..., K] x [K, N] -> [..., N]: the result has x's rank.
  if (y_shape.is_ranked() && y_shape.rank() != x_shape.rank()) return nullptr;
  const int64_t n = (*w_sizes)[1];
  std::optional<std::vector<float>> b =
      ValuesAlongAxis(bias, x_shape.rank(), x_shape.rank() - 1, n);
  if (!b) return nullptr;
  ir::Graph& g = *add.graph();
  ir::Value* b_n = bias;
  if (StaticSizes(bias->type()) != std::vector<int64_t>{n}) {
    b_n = AddNamedFloatConstant(g, {n}, *b, std::string(ConstantName(bias)) + ".linear");
  }
  ir::Op* linear = g.CreateOp(ir::OpKind::kLinear, {x, w, b_n}, {add.result(0)->type()}, {}, &add);
  linear->set_name(mm->name().empty() ? add.name() : mm->name());
  return linear;
}

}  // namespace

PassResult FuseLinearPass::run(ir::Graph& graph, PassContext& ctx) {
  int formed = 0;
  ForEachOp(graph, [&](ir::Op* add) {
    if (add->kind() != ir::OpKind::kAdd || add->num_operands() != 2 ||
        !IsPlainF32(add->result(0)->type())) {
      return;
    }
    for (int side = 0; side < 2; ++side) {
      if (ir::Op* linear = FormLinear(*add, side)) {
        ir::Op* mm = add->operand(side)->producer();
        TakeOverResult(linear->result(0), add->result(0));
        add->graph()->EraseOp(add);
        mm->graph()->EraseOp(mm);
        ++formed;
        return;
      }
    }
  });
  if (formed) ctx.AddStatistic("linears-formed", formed);
  return PassResult::ChangedIf(formed);
}

}  // namespace kiln
