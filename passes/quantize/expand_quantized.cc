#include "passes/quantize/expand_quantized.h"

#include <cstring>
#include <unordered_map>
#include <vector>

#include "ir/str_cat.h"
#include "passes/match.h"
#include "passes/pass_context.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/quantize.h"

namespace kiln {
namespace {

const ir::TensorType* RealType(ir::Context& ctx, const ir::TensorType& type) {
  return ctx.GetType(ir::ScalarType::kF32, type.shape());
}

std::string Named(const std::string& base, std::string_view suffix) {
  return base.empty() ? std::string() : base + std::string(suffix);
}

// A float constant holding the real values of quantized constant `v` (a weight or bias of an
// expanded op), so the target packs float weights once instead of dequantizing every run.
Expected<ir::Value*> RealConstant(ir::Graph& graph, const ir::Value& v) {
  const ir::TensorType& type = *v.type();
  const ir::Constant* c = v.constant();
  if (c == nullptr || c->data == nullptr) {
    return Status::Error(ir::StrCat("constant '", v.name(), "' has no data"));
  }
  Expected<ref::QuantParams> params = ref::QuantParamsOf(type);
  if (!params) return params.error();
  const ref::Tensor q = ref::Tensor::Borrow(ref::DTypeOf(type.scalar()),
                                            type.shape().static_sizes(), c->data->data(), nullptr);
  rt::Result<ref::Tensor> real = ref::Dequantize(q, *params);
  if (!real.ok()) return Status::Error(real.status().message());
  std::vector<uint8_t> bytes(static_cast<size_t>(real->num_bytes()));
  std::memcpy(bytes.data(), real->raw(), bytes.size());
  return graph.AddConstant(RealType(graph.context(), type),
                           ir::TensorData::FromBytes(std::move(bytes)), c->name + ".real");
}

}  // namespace

PassResult ExpandQuantizedPass::run(ir::Graph& graph, PassContext& ctx) {
  ir::Context& context = graph.context();
  std::unordered_map<ir::Value*, ir::Value*> dequantized;  // quantized value -> its real copy
  int expanded = 0;
  const std::vector<ir::Op*> ops = graph.OpList();
  for (size_t k = 0; k < ops.size(); ++k) {
    ir::Op* op = ops[k];
    if (op->kind() == ir::OpKind::kQuantize || op->kind() == ir::OpKind::kDequantize) continue;
    if (!TouchesQuantized(*op) || (keeps_ && keeps_(*op))) continue;
    for (int i = 0; i < op->num_operands(); ++i) {
      ir::Value* v = op->operand(i);
      if (v == nullptr || !v->type()->is_quantized()) continue;
      ir::Value*& real = dequantized[v];
      if (real == nullptr && v->is_constant()) {
        Expected<ir::Value*> folded = RealConstant(graph, *v);
        if (!folded) {
          return PassResult::Failure(Status::Error(
              ir::StrCat("op '", op->name(), "' operand ", i, ": ", folded.error().message())));
        }
        real = *folded;
      }
      if (real == nullptr) {
        // Before the first op that reads it: every later reader comes after.
        ir::Op* dq =
            graph.CreateOp(ir::OpKind::kDequantize, {v}, {RealType(context, *v->type())}, {}, op);
        dq->set_name(Named(v->producer() ? v->producer()->name() : v->name(), "/dequantize"));
        real = dq->result(0);
      }
      op->SetOperand(i, real);
    }
    ir::Op* next = k + 1 < ops.size() ? ops[k + 1] : nullptr;
    for (int r = 0; r < op->num_results(); ++r) {
      ir::Value* y = op->result(r);
      const ir::TensorType* quantized = y->type();
      if (!quantized->is_quantized()) continue;
      y->set_type(RealType(context, *quantized));
      ir::Op* q = graph.CreateOp(ir::OpKind::kQuantize, {y}, {quantized}, {}, next);
      q->set_name(Named(op->name(), "/quantize"));
      ir::Value* yq = q->result(0);
      y->ReplaceAllUsesWith(yq);
      q->SetOperand(0, y);
      if (!y->name().empty()) {
        yq->set_name(y->name());
        y->set_name(y->name() + ".real");
      }
    }
    ++expanded;
  }
  // The quantized constants nothing reads any more.
  bool erased = false;
  for (const auto& [v, real] : dequantized) {
    if (v->is_constant() && !v->has_uses() && v->graph() == &graph) {
      graph.EraseConstant(v);
      erased = true;
    }
  }
  if (erased) graph.PrunePool();
  ctx.AddStatistic("ops-expanded", expanded);
  return PassResult::ChangedIf(expanded > 0);
}

}  // namespace kiln
