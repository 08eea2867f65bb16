// Op kernels for rnn, gru and lstm: read the attributes into RecurrentParams and run
// RecurrentLayer (kernels/recurrent.h). Results the op does not declare are dropped.
#include <string>
#include <vector>

#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/recurrent.h"

namespace kiln::ref {
namespace {

std::vector<float> FloatList(const ir::AttrMap& attrs, const char* name) {
  std::vector<float> out;
  for (double v : attrs.GetFloats(name)) out.push_back(static_cast<float>(v));
  return out;
}

Expected<RecurrentParams> ReadParams(const ir::AttrMap& attrs, RnnCell cell) {
  RecurrentParams p;
  p.cell = cell;
  rt::Result<RnnDirection> direction = ParseRnnDirection(attrs.GetString("direction", "forward"));
  if (!direction.ok()) return FromRt(direction.status());
  p.direction = *direction;
  p.hidden_size = attrs.GetInt("hidden_size", 0);
  p.layout = static_cast<int>(attrs.GetInt("layout", 0));
  if (const ir::AttrValue* names = attrs.Find("activations")) {
    const auto* list = std::get_if<std::vector<std::string>>(names);
    if (list == nullptr) return Status::Error("activations must be a list of strings");
    const std::vector<float> alphas = FloatList(attrs, "activation_alpha");
    const std::vector<float> betas = FloatList(attrs, "activation_beta");
    rt::Result<std::vector<RnnActivation>> acts = ParseRnnActivations(*list, alphas, betas);
    if (!acts.ok()) return FromRt(acts.status());
    p.activations = std::move(*acts);
  }
  if (attrs.Has("clip")) p.clip = static_cast<float>(attrs.GetFloat("clip"));
  p.linear_before_reset = attrs.GetInt("linear_before_reset", 0) != 0;
  p.input_forget = attrs.GetInt("input_forget", 0) != 0;
  return p;
}

template <RnnCell kCell>
Status RunRecurrent(OpKernelContext& ctx) {
  for (int i = 0; i < 3; ++i) {
    if (ctx.operand(i) == nullptr)
      return Status::Error("operand " + std::to_string(i) + " is missing");
  }
  Expected<RecurrentParams> p = ReadParams(ctx.op.attrs(), kCell);
  if (!p) return p.error();
  const bool lstm = kCell == RnnCell::kLstm;
  RecurrentInputs in{.x = *ctx.operand(0),
                     .w = *ctx.operand(1),
                     .r = *ctx.operand(2),
                     .b = ctx.operand(3),
                     .sequence_lens = ctx.operand(4),
                     .initial_h = ctx.operand(5),
                     .initial_c = lstm ? ctx.operand(6) : nullptr,
                     .p = lstm ? ctx.operand(7) : nullptr};
  rt::Result<RecurrentResult> r = RecurrentLayer(in, *p, ctx.threads);
  if (!r.ok()) return FromRt(r.status());
  Tensor* outs[] = {&r->y, &r->y_h, &r->y_c};
  for (int i = 0; i < ctx.op.num_results(); ++i) {
    if (DTypeOf(ctx.result_type(i).scalar()) != DType::kF32) {
      return Status::Error("result " + std::to_string(i) + " must be f32");
    }
    ctx.results[i] = std::move(*outs[i]);
  }
  return Status::Ok();
}

}  // namespace

void RegisterRecurrentOps(OpKernelTable& table) {
  table.Register(ir::OpKind::kRnn, RunRecurrent<RnnCell::kRnn>);
  table.Register(ir::OpKind::kGru, RunRecurrent<RnnCell::kGru>);
  table.Register(ir::OpKind::kLstm, RunRecurrent<RnnCell::kLstm>);
}

}  // namespace kiln::ref
