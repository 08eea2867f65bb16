#include "passes/quantize/evaluate.h"

#include <memory>
#include <span>
#include <unordered_map>

#include "ir/context.h"
#include "ir/op.h"
#include "runtime/reference/interpreter/executor.h"

namespace kiln::quant {
namespace {

std::span<const float> Floats(const ref::Tensor& t) {
  if (t.dtype() != ref::DType::kF32 || t.raw() == nullptr) return {};
  return {t.data<float>(), static_cast<size_t>(t.num_elements())};
}

// One quantized op alone, in a graph of its own: float inputs go through the same quantizers
// as in the quantized graph, weights are the same quantized constants.
struct Probe {
  std::unique_ptr<ir::Graph> graph;
  std::vector<const ir::Value*> feeds;  // float-graph values, one per probe input
  std::unique_ptr<ref::Executor> executor;
};

class ProbeBuilder {
 public:
  ProbeBuilder(const ir::Graph& quant_graph,
               const std::unordered_map<const ir::Value*, const ir::Value*>& to_float)
      : quant_graph_(quant_graph), to_float_(to_float) {}

  // Null when an operand cannot be traced back to the float graph.
  std::unique_ptr<Probe> Build(const ir::Op& op) {
    auto probe = std::make_unique<Probe>();
    probe->graph = std::make_unique<ir::Graph>(quant_graph_.context(), "probe");
    ir::Graph& g = *probe->graph;
    std::vector<ir::Value*> operands;
    for (const ir::Value* o : op.operands()) {
      if (o == nullptr) {
        operands.push_back(nullptr);
        continue;
      }
      ir::Value* v = Trace(*probe, o);
      if (v == nullptr) return nullptr;
      operands.push_back(v);
    }
    std::vector<const ir::TensorType*> types;
    for (int i = 0; i < op.num_results(); ++i) types.push_back(op.result(i)->type());
    ir::Op* copy = g.CreateOp(op.kind(), std::move(operands), types, op.attrs());
    copy->set_name(op.name());
    g.AddOutput(copy->result(0));
    probe->executor = ref::CreateReferenceExecutor(g);
    return probe;
  }

 private:
  ir::Value* Input(Probe& probe, const ir::Value* copy_value) {
    auto it = to_float_.find(copy_value);
    if (it == to_float_.end()) return nullptr;
    probe.feeds.push_back(it->second);
    return probe.graph->AddInput("x" + std::to_string(probe.feeds.size()), copy_value->type());
  }

  ir::Value* Constant(Probe& probe, const ir::Value* c) {
    if (c->constant() == nullptr || c->constant()->data == nullptr) return nullptr;
    return probe.graph->AddConstant(c->type(), c->constant()->data, c->constant()->name);
  }

  ir::Value* Trace(Probe& probe, const ir::Value* o) {
    ir::Graph& g = *probe.graph;
    if (o->is_constant()) return Constant(probe, o);
    const ir::Op* dq = o->producer();
    if (dq == nullptr || dq->kind() != ir::OpKind::kDequantize) return Input(probe, o);
    const ir::Value* q = dq->operand(0);
    ir::Value* source = nullptr;
    if (q->is_constant()) {
      source = Constant(probe, q);
    } else if (const ir::Op* quantize = q->producer();
               quantize != nullptr && quantize->kind() == ir::OpKind::kQuantize) {
      ir::Value* x = Input(probe, quantize->operand(0));
      if (x == nullptr) return nullptr;
      source = g.CreateOp(ir::OpKind::kQuantize, {x}, {q->type()})->result(0);
    }
    if (source == nullptr) return nullptr;
    return g.CreateOp(ir::OpKind::kDequantize, {source}, {o->type()})->result(0);
  }

  const ir::Graph& quant_graph_;
  const std::unordered_map<const ir::Value*, const ir::Value*>& to_float_;
};

std::string LayerName(const ir::Op& op, int index) {
  if (!op.name().empty()) return op.name();
  return std::string(op.kind_name()) + "#" + std::to_string(index);
}

}  // namespace

Expected<Evaluation> Evaluate(const ir::Graph& float_graph, const ir::Graph& quant_graph,
                              const ir::ValueMap& map, const QuantPlan& plan,
                              CalibrationSource& source, const EvaluateOptions& options) {
  Evaluation eval;
  // Quantized-graph value -> float-graph value, for the inputs and op results (constants of
  // the copy may be gone: ApplyQuantPlan erases the float weights it replaced).
  std::unordered_map<const ir::Value*, const ir::Value*> to_float;
  for (int i = 0; i < float_graph.num_inputs(); ++i) {
    to_float[map.at(float_graph.input(i))] = float_graph.input(i);
  }
  for (const ir::Op* op : float_graph.ops()) {
    for (int i = 0; i < op->num_results(); ++i) to_float[map.at(op->result(i))] = op->result(i);
  }

  // Layers in graph order, their results fetched from both graphs, and their probes.
  std::vector<std::unique_ptr<Probe>> probes;
  ref::RunOptions float_run, quant_run;
  float_run.threads = quant_run.threads = options.threads;
  if (options.per_layer) {
    ProbeBuilder builder(quant_graph, to_float);
    int index = 0;
    for (const ir::Op* op : float_graph.ops()) {
      auto it = plan.ops.find(op->result(0));
      ++index;
      if (it == plan.ops.end() || !it->second.quantized) continue;
      const ir::Value* copy = map.at(op->result(0));
      eval.layers.push_back({.result = op->result(0),
                             .node = LayerName(*op, index - 1),
                             .kind = std::string(op->kind_name())});
      float_run.fetch.push_back(op->result(0));
      quant_run.fetch.push_back(copy);
      probes.push_back(builder.Build(*copy->producer()));
    }
    // Probe inputs come from the float run too.
    for (const std::unique_ptr<Probe>& p : probes) {
      if (p) float_run.fetch.insert(float_run.fetch.end(), p->feeds.begin(), p->feeds.end());
    }
  }
  for (int i = 0; i < float_graph.num_outputs(); ++i) {
    OutputError out;
    out.name = float_graph.output_name(i).empty() ? "output " + std::to_string(i)
                                                  : float_graph.output_name(i);
    eval.outputs.push_back(std::move(out));
  }

  std::unique_ptr<ref::Executor> float_exec = ref::CreateReferenceExecutor(float_graph);
  std::unique_ptr<ref::Executor> quant_exec = ref::CreateReferenceExecutor(quant_graph);
  source.Rewind();
  const int64_t total = options.max_batches < 0
                            ? source.num_batches()
                            : std::min(source.num_batches(), options.max_batches);
  while (options.max_batches < 0 || eval.num_batches < options.max_batches) {
    Expected<std::optional<std::vector<ref::Tensor>>> batch = source.Next();
    if (!batch) return batch.error();
    if (!batch->has_value()) break;
    const std::string where = "evaluation batch " + std::to_string(eval.num_batches + 1);
    Expected<std::vector<ref::Tensor>> f = float_exec->Run(**batch, float_run);
    if (!f) return Status::Error(where + " (float): " + f.error().message());
    Expected<std::vector<ref::Tensor>> q = quant_exec->Run(**batch, quant_run);
    if (!q) return Status::Error(where + " (quantized): " + q.error().message());

    const size_t num_outputs = eval.outputs.size();
    for (size_t i = 0; i < num_outputs; ++i) {
      const ref::Tensor& ft = (*f)[i];
      OutputError& out = eval.outputs[i];
      out.error.Add(Floats(ft), Floats((*q)[i]));
      if (ft.rank() == 2 && ft.dim(1) > 1) {
        out.classifier = true;
        out.top1.Add(Floats(ft), Floats((*q)[i]), ft.dim(1));
      }
    }
    // Fetched values: after the outputs, the layers' results, then the probes' feeds.
    std::unordered_map<const ir::Value*, const ref::Tensor*> fetched;
    for (size_t k = 0; k < float_run.fetch.size(); ++k) {
      fetched[float_run.fetch[k]] = &(*f)[num_outputs + k];
    }
    for (size_t l = 0; l < eval.layers.size(); ++l) {
      LayerError& layer = eval.layers[l];
      std::span<const float> reference = Floats(*fetched.at(layer.result));
      layer.accumulated.Add(reference, Floats((*q)[num_outputs + l]));
      Probe* probe = probes[l].get();
      if (probe == nullptr) continue;
      std::vector<ref::Tensor> inputs;
      for (const ir::Value* v : probe->feeds) inputs.push_back(*fetched.at(v));
      ref::RunOptions probe_run;
      probe_run.threads = options.threads;
      Expected<std::vector<ref::Tensor>> p = probe->executor->Run(inputs, probe_run);
      if (!p) return Status::Error(where + " (" + layer.node + " alone): " + p.error().message());
      layer.isolated.Add(reference, Floats((*p)[0]));
    }
    ++eval.num_batches;
    if (options.progress) options.progress(eval.num_batches, total);
  }
  if (eval.num_batches == 0) return Status::Error("the calibration data holds no samples");
  return eval;
}

}  // namespace kiln::quant
