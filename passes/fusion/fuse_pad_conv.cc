#include "passes/fusion/fuse_pad_conv.h"

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "passes/fusion/fusion_rewrite.h"
#include "passes/match.h"
#include "passes/pass_context.h"

namespace kiln {
namespace {

// Begin and end padding of every dim of the pad's input, when it is zero constant padding
// of the spatial dims only.
struct SpatialPads {
  std::vector<int64_t> begin;  // per dim, rank entries
  std::vector<int64_t> end;
};

bool IsConstantMode(const ir::Op& pad) {
  const ir::AttrValue* mode = pad.attrs().Find("mode");
  if (mode == nullptr) return true;
  const std::string* s = std::get_if<std::string>(mode);
  return s != nullptr && *s == "constant";
}

std::optional<SpatialPads> ReadPads(const ir::Op& pad) {
  if (pad.num_operands() < 2 || pad.operand(0) == nullptr || !IsConstantMode(pad)) {
    return std::nullopt;
  }
  const ir::TensorType* x = pad.operand(0)->type();
  if (x->is_quantized() || !x->shape().is_ranked() || x->rank() < 3) return std::nullopt;
  const int rank = x->rank();
  ir::Value* value = pad.num_operands() > 2 ? pad.operand(2) : nullptr;
  if (value != nullptr && !IsConstantSplat(value, 0.0)) return std::nullopt;
  std::optional<std::vector<int64_t>> amounts = IntConstant(pad.operand(1));
  if (!amounts) return std::nullopt;
  std::vector<int64_t> axes;
  ir::Value* axes_value = pad.num_operands() > 3 ? pad.operand(3) : nullptr;
  if (axes_value != nullptr) {
    std::optional<std::vector<int64_t>> a = IntConstant(axes_value);
    if (!a) return std::nullopt;
    axes = std::move(*a);
  } else {
    for (int i = 0; i < rank; ++i) axes.push_back(i);
  }
  const size_t k = axes.size();
  if (amounts->size() != 2 * k) return std::nullopt;
  SpatialPads p{std::vector<int64_t>(rank, 0), std::vector<int64_t>(rank, 0)};
  std::vector<bool> seen(rank, false);
  for (size_t i = 0; i < k; ++i) {
    int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (axis < 0 || axis >= rank || seen[axis]) return std::nullopt;
    seen[axis] = true;
    p.begin[axis] = (*amounts)[i];
    p.end[axis] = (*amounts)[k + i];
  }
  for (int d = 0; d < rank; ++d) {
    const bool batch_or_channel = d < 2;
    if (batch_or_channel && (p.begin[d] != 0 || p.end[d] != 0)) return std::nullopt;
    if (p.begin[d] < 0 || p.end[d] < 0) return std::nullopt;
  }
  return p;
}

// The conv's explicit pads ([x1_begin, ..., x1_end, ...] over `spatial` dims; zeros when
// absent), or nullopt when the conv pads some other way or is not a conv reading x as input.
std::optional<std::vector<int64_t>> ConvPads(const ir::Use& use, int spatial) {
  if (use.is_graph_output() || use.op->kind() != ir::OpKind::kConv || use.index != 0) {
    return std::nullopt;
  }
  const ir::AttrMap& attrs = use.op->attrs();
  if (const ir::AttrValue* auto_pad = attrs.Find("auto_pad")) {
    const std::string* s = std::get_if<std::string>(auto_pad);
    if (s == nullptr || *s != "NOTSET") return std::nullopt;
  }
  const ir::AttrValue* pads = attrs.Find("pads");
  if (pads == nullptr) return std::vector<int64_t>(2 * spatial, 0);
  const std::vector<int64_t>* p = std::get_if<std::vector<int64_t>>(pads);
  if (p == nullptr || static_cast<int>(p->size()) != 2 * spatial) return std::nullopt;
  return *p;
}

bool Fuse(ir::Op& pad) {
  std::optional<SpatialPads> p = ReadPads(pad);
  ir::Value* y = pad.result(0);
  if (!p || !y->has_uses()) return false;
  const int spatial = static_cast<int>(p->begin.size()) - 2;
  // Every use must be a conv that can take the padding; check all before changing any.
  std::vector<std::vector<int64_t>> new_pads;
  for (const ir::Use& use : y->uses()) {
    std::optional<std::vector<int64_t>> c = ConvPads(use, spatial);
    if (!c) return false;
    for (int i = 0; i < spatial; ++i) {
      (*c)[i] += p->begin[2 + i];
      (*c)[spatial + i] += p->end[2 + i];
    }
    new_pads.push_back(std::move(*c));
  }
  const std::vector<ir::Use> uses = y->uses();  // SetOperand edits the list
  for (size_t i = 0; i < uses.size(); ++i) {
    uses[i].op->attrs().Set("pads", new_pads[i]);
    uses[i].op->SetOperand(0, pad.operand(0));
  }
  return true;
}

}  // namespace

PassResult FusePadConvPass::run(ir::Graph& graph, PassContext& ctx) {
  int fused = 0;
  ForEachOp(graph, [&](ir::Op* pad) {
    if (pad->kind() != ir::OpKind::kPad || !Fuse(*pad)) return;
    pad->graph()->EraseOp(pad);
    ++fused;
  });
  if (fused) ctx.AddStatistic("pads-fused", fused);
  return PassResult::ChangedIf(fused);
}

}  // namespace kiln
