#include "passes/layout/channels_last.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/fused_activation.h"
#include "ir/layout.h"
#include "passes/fusion/fusion_rewrite.h"
#include "passes/layout/layout_rewrite.h"
#include "passes/layout/permutation.h"
#include "passes/pass_context.h"
#include "passes/shapes/shape_inference.h"

namespace kiln {
namespace {

bool IsRank4(const ir::Value* v) {
  return v != nullptr && v->type()->shape().is_ranked() && v->type()->rank() == 4;
}

// Repacks constant conv weights (OIHW) into the NHWC conv's layout, once per (weight, group);
// a dequantize of constant codes (per tensor or per output channel) becomes one of the repacked
// codes.
class WeightRepacker {
 public:
  // The NHWC weight for `w` in a conv of `group`, or null when `w` is not a repackable constant.
  ir::Value* Repack(ir::Graph& graph, ir::Value* w, int64_t group) {
    auto key = std::make_pair(w, group);
    if (auto it = done_.find(key); it != done_.end()) return it->second;
    ir::Value* packed = Create(graph, w, group);
    done_[key] = packed;
    return packed;
  }

 private:
  static ir::Value* Create(ir::Graph& graph, ir::Value* w, int64_t group) {
    // A weight-only quantized weight (dequantize of constant codes): repack the codes and
    // dequantize those.
    if (ir::Op* dq = w->producer();
        dq != nullptr && dq->kind() == ir::OpKind::kDequantize && dq->operand(0)->is_constant()) {
      ir::Value* codes = Create(graph, dq->operand(0), group);
      if (codes == nullptr) return nullptr;
      const ir::TensorType* type = graph.context().WithShape(w->type(), codes->type()->shape());
      ir::Op* nhwc = graph.CreateOp(ir::OpKind::kDequantize, {codes}, {type}, {}, dq);
      nhwc->set_name(dq->name());
      return nhwc->result(0);
    }
    std::optional<std::vector<int64_t>> sizes = StaticSizes(w->type());
    if (!w->is_constant() || !sizes || sizes->size() != 4 || group < 1 || (*sizes)[0] % group) {
      return nullptr;
    }
    const bool depthwise = group > 1 && (*sizes)[1] == 1;
    // [O, I/g, kh, kw] -> [1, kh, kw, O] (I/g == 1) or [O, kh, kw, I/g].
    const Perm perm = depthwise ? Perm{1, 2, 3, 0} : Perm{0, 2, 3, 1};
    std::optional<ir::QuantSpec> quant = w->type()->quant();
    if (quant && quant->granularity != ir::QuantGranularity::kPerTensor) {
      if (quant->granularity != ir::QuantGranularity::kPerAxis || quant->axis != 0) return nullptr;
      quant->axis = depthwise ? 3 : 0;  // the output channels moved there
    }
    std::optional<std::shared_ptr<const ir::TensorData>> data = PermutedConstantData(*w, perm);
    if (!data) return nullptr;
    std::vector<int64_t> packed_sizes;
    for (int64_t p : perm) packed_sizes.push_back((*sizes)[p]);
    const ir::TensorType* type = graph.context().GetType(
        w->type()->scalar(), ir::Shape::Static(packed_sizes), std::move(quant));
    const std::string name(ConstantName(w));
    ir::Value* packed =
        graph.AddConstant(type, std::move(*data), (name.empty() ? "weight" : name) + "_nhwc");
    packed->set_name(packed->constant()->name);
    return packed;
  }

  std::map<std::pair<ir::Value*, int64_t>, ir::Value*> done_;
};

// The operands of the NHWC form of `op` after its (transposed) input, or nullopt when the op
// does not qualify.
std::optional<std::vector<ir::Value*>> OtherOperands(ir::Op& op, WeightRepacker& weights) {
  if (op.kind() == ir::OpKind::kMaxPool) {
    for (int i = 1; i < op.num_results(); ++i) {
      if (op.result(i)->has_uses()) return std::nullopt;
    }
  }
  if (op.kind() != ir::OpKind::kConv) return std::vector<ir::Value*>{};
  if (ir::ResidualOf(op) != nullptr || op.num_operands() < 2) return std::nullopt;
  ir::Value* w = weights.Repack(*op.graph(), op.operand(1), op.attrs().GetInt("group", 1));
  if (w == nullptr) return std::nullopt;
  std::vector<ir::Value*> rest = {w};
  if (op.num_operands() > 2 && op.operand(2) != nullptr) rest.push_back(op.operand(2));
  return rest;
}

bool MakeChannelsLast(ir::Op& op, WeightRepacker& weights) {
  if (!ir::HasLayoutAttr(op.kind()) || op.kind() == ir::OpKind::kConvTranspose) return false;
  Expected<ir::Layout> layout = ir::GetLayout(op);
  ir::Value* x = op.num_operands() > 0 ? op.operand(0) : nullptr;
  ir::Value* y = op.result(0);
  if (!layout || *layout != ir::Layout::kNchw || !IsRank4(x) || !IsRank4(y) ||
      !IsLayoutFree(x->type()) || !IsLayoutFree(y->type())) {
    return false;
  }
  std::optional<std::vector<ir::Value*>> rest = OtherOperands(op, weights);
  if (!rest) return false;

  ir::Graph& graph = *op.graph();
  ir::Context& ctx = graph.context();
  std::vector<ir::Value*> operands = {CreateTranspose(
      x, kNchwToNhwc, ctx.WithShape(x->type(), PermuteShape(x->type()->shape(), kNchwToNhwc)),
      &op)};
  operands.insert(operands.end(), rest->begin(), rest->end());
  ir::AttrMap attrs = op.attrs();
  ir::Op* nhwc =
      graph.CreateOp(op.kind(), std::move(operands),
                     {ctx.WithShape(y->type(), PermuteShape(y->type()->shape(), kNchwToNhwc))},
                     std::move(attrs), &op);
  ir::SetLayout(*nhwc, ir::Layout::kNhwc);
  nhwc->set_name(op.name());
  // Shape inference may know more than the old result type did (it never knows less).
  ir::Value* yt = nhwc->result(0);
  if (std::optional<ir::Shape> inferred = InferResultShapes(*nhwc)[0]) {
    if (std::optional<ir::Shape> merged = MergeShapes(yt->type()->shape(), *inferred)) {
      yt->set_type(ctx.WithShape(yt->type(), std::move(*merged)));
    }
  }
  // The NHWC result keeps the name: it is what is left once the transposes cancel.
  yt->set_name(y->name());
  y->ReplaceAllUsesWith(CreateTranspose(yt, kNhwcToNchw, y->type(), &op));
  graph.EraseOp(&op);
  return true;
}

}  // namespace

PassResult ChannelsLastPass::run(ir::Graph& graph, PassContext& ctx) {
  WeightRepacker weights;
  int convs = 0, pools = 0;
  ForEachOp(graph, [&](ir::Op* op) {
    const bool conv = op->kind() == ir::OpKind::kConv;
    if (!MakeChannelsLast(*op, weights)) return;
    ++(conv ? convs : pools);
  });
  if (convs) ctx.AddStatistic("convs-made-nhwc", convs);
  if (pools) ctx.AddStatistic("pools-made-nhwc", pools);
  return PassResult::ChangedIf(convs + pools > 0);
}

}  // namespace kiln
