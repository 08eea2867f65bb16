// The reference Executor: walks the graph's ops in order, runs each with its kernel from the
// op kernel table, and keeps every computed value in a scope until its last use. `if` is run
// here rather than by a kernel, because it runs a nested graph.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "ir/str_cat.h"
#include "runtime/reference/interpreter/executor.h"
#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {
namespace {

using ir::StrCat;

const OpKernelTable& KernelTable() {
  static const OpKernelTable table = [] {
    OpKernelTable t;
    RegisterAllOpKernels(t);
    return t;
  }();
  return table;
}

// The tensors of the values computed so far: a graph's own, then (through `parent`) those of
// the graphs enclosing it, which a region may read.
class Scope {
 public:
  explicit Scope(const Scope* parent) : parent_(parent) {}

  const Tensor* Find(const ir::Value* v) const {
    for (const Scope* s = this; s != nullptr; s = s->parent_) {
      auto it = s->values_.find(v);
      if (it != s->values_.end()) return &it->second;
    }
    return nullptr;
  }
  void Set(const ir::Value* v, Tensor t) { values_.insert_or_assign(v, std::move(t)); }
  void Erase(const ir::Value* v) { values_.erase(v); }

 private:
  const Scope* parent_;
  std::unordered_map<const ir::Value*, Tensor> values_;
};

// For one graph (the root or a region): after op i, the op results of this graph that no
// later op of this graph reads (directly or inside its regions) and that are not outputs.
struct GraphPlan {
  std::vector<std::vector<const ir::Value*>> release_after;
};

// Every value `op` reads: its operands, and whatever its regions read or return.
void CollectReads(const ir::Op& op, std::vector<const ir::Value*>& out) {
  for (const ir::Value* v : op.operands()) {
    if (v != nullptr) out.push_back(v);
  }
  for (int r = 0; r < op.num_regions(); ++r) {
    const ir::Graph& region = op.region(r);
    for (const ir::Op* inner : region.ops()) CollectReads(*inner, out);
    for (int i = 0; i < region.num_outputs(); ++i) out.push_back(region.output(i));
  }
}

std::string NodeLabel(const ir::Op& op) {
  const std::string* name = &op.name();
  if (name->empty() && op.num_results() > 0) name = &op.result(0)->name();
  return StrCat("node '", *name, "' (", op.kind_name(), ")");
}

std::string ValueLabel(const ir::Value& v, std::string_view fallback) {
  return v.name().empty() ? std::string(fallback) : StrCat("'", v.name(), "'");
}

// What the dtype and static dims of `type` say about a tensor; empty when it agrees.
std::string TypeMismatch(const ir::TensorType& type, const Tensor& t) {
  const DType want = DTypeOf(type.scalar());
  if (t.dtype() != want) {
    return StrCat("expected ", rt::DTypeName(want), ", got ", rt::DTypeName(t.dtype()));
  }
  const ir::Shape& shape = type.shape();
  if (!shape.is_ranked()) return "";
  bool ok = shape.rank() == t.rank();
  for (int i = 0; ok && i < shape.rank(); ++i) {
    ok = !shape.dim(i).is_static() || shape.dim(i).size() == t.dim(i);
  }
  if (ok) return "";
  return StrCat("expected shape ", shape.ToString(), ", got ", ShapeString(t.shape()));
}

class ReferenceExecutor final : public Executor {
 public:
  explicit ReferenceExecutor(const ir::Graph& graph) : graph_(graph) { Prepare(graph); }

  Expected<std::vector<Tensor>> Run(std::span<const Tensor> inputs,
                                    const RunOptions& options) override;

 private:
  // Per-run state shared by the root graph and its regions.
  struct RunState {
    const RunOptions& options;
    int threads;
    std::unordered_set<const ir::Value*> keep;  // fetched: never released
  };

  void Prepare(const ir::Graph& graph);
  // The float types of an op on quantized types (docs/ir.md, "Quantized operands").
  void PrepareRealTypes(const ir::Op& op);
  // Runs `fn` on the real values of an op on quantized types: operands dequantized first,
  // results quantized after.
  Status RunOnRealValues(const ir::Op& op, OpKernelFn fn, std::vector<const Tensor*>& operands,
                         std::vector<Tensor>& results, int threads) const;
  void BindConstants(const ir::Graph& graph, Scope& scope) const;
  Status RunGraph(const ir::Graph& graph, Scope& scope, RunState& state, bool top) const;
  Status RunOp(const ir::Op& op, Scope& scope, RunState& state, std::vector<Tensor>& results) const;
  Status RunIf(const ir::Op& op, const Scope& scope, RunState& state,
               std::vector<Tensor>& results) const;
  Status MissingValue(const ir::Value& v, std::string_view what) const;

  const ir::Graph& graph_;
  std::unordered_map<const ir::Graph*, GraphPlan> plans_;
  // Constants of every graph in the tree, viewing the pool's bytes; and why a constant could
  // not be mapped (reported only if it is read).
  std::unordered_map<const ir::Value*, Tensor> constants_;
  std::unordered_map<const ir::Value*, std::string> constant_problems_;
  struct RealTypes {
    std::vector<const ir::TensorType*> operands, results;
  };
  std::unordered_map<const ir::Op*, RealTypes> real_types_;
};

void ReferenceExecutor::PrepareRealTypes(const ir::Op& op) {
  if (op.kind() == ir::OpKind::kQuantize || op.kind() == ir::OpKind::kDequantize) return;
  bool any = false;
  for (const ir::Value* v : op.operands()) any = any || (v && v->type()->is_quantized());
  for (int i = 0; i < op.num_results(); ++i) any = any || op.result(i)->type()->is_quantized();
  if (!any) return;
  ir::Context& ctx = op.graph()->context();
  auto real = [&](const ir::Value* v) -> const ir::TensorType* {
    if (v == nullptr) return nullptr;
    const ir::TensorType* t = v->type();
    return t->is_quantized() ? ctx.GetType(ir::ScalarType::kF32, t->shape()) : t;
  };
  RealTypes& types = real_types_[&op];
  for (const ir::Value* v : op.operands()) types.operands.push_back(real(v));
  for (int i = 0; i < op.num_results(); ++i) types.results.push_back(real(op.result(i)));
}

Status ReferenceExecutor::RunOnRealValues(const ir::Op& op, OpKernelFn fn,
                                          std::vector<const Tensor*>& operands,
                                          std::vector<Tensor>& results, int threads) const {
  const RealTypes& types = real_types_.at(&op);
  std::vector<Tensor> dequantized(operands.size());
  for (size_t i = 0; i < operands.size(); ++i) {
    const ir::Value* v = op.operand(static_cast<int>(i));
    if (v == nullptr || !v->type()->is_quantized()) continue;
    Expected<QuantParams> p = QuantParamsOf(*v->type());
    if (!p) return Status::Error(StrCat("operand ", i, ": ", p.error().message()));
    rt::Result<Tensor> real = Dequantize(*operands[i], *p);
    if (!real.ok()) return Status::Error(StrCat("operand ", i, ": ", real.status().message()));
    dequantized[i] = std::move(*real);
    operands[i] = &dequantized[i];
  }
  OpKernelContext ctx{op, operands, results, threads};
  ctx.real_operand_types = types.operands;
  ctx.real_result_types = types.results;
  if (Status s = fn(ctx); !s.ok()) return s;
  for (int i = 0; i < op.num_results(); ++i) {
    const ir::TensorType& t = *op.result(i)->type();
    if (!t.is_quantized() || results[i].dtype() != DType::kF32) continue;
    Expected<QuantParams> p = QuantParamsOf(t);
    if (!p) return Status::Error(StrCat("result ", i, ": ", p.error().message()));
    rt::Result<Tensor> q = Quantize(results[i], *p, DTypeOf(t.scalar()));
    if (!q.ok()) return Status::Error(StrCat("result ", i, ": ", q.status().message()));
    results[i] = std::move(*q);
  }
  return Status::Ok();
}

void ReferenceExecutor::Prepare(const ir::Graph& graph) {
  for (int i = 0; i < graph.num_constants(); ++i) {
    const ir::Value* v = graph.constant(i);
    const ir::Constant* c = v->constant();
    const ir::TensorType& type = *v->type();
    if (c == nullptr || c->data == nullptr) {
      constant_problems_[v] = "its data is not loaded";
      continue;
    }
    if (!type.shape().is_static()) {
      constant_problems_[v] = StrCat("its type ", type.ToString(), " is not static");
      continue;
    }
    const std::vector<int64_t> sizes = type.shape().static_sizes();
    const DType dtype = DTypeOf(type.scalar());
    const int64_t bytes = rt::DTypeStorageBytes(dtype, NumElements(sizes));
    if (NumElements(sizes) < 0 || static_cast<int64_t>(c->data->size()) < bytes) {
      constant_problems_[v] =
          StrCat("it has ", c->data->size(), " bytes, but ", type.ToString(), " needs ", bytes);
      continue;
    }
    // The pool entry's data outlives nothing in particular, so the tensor holds a reference.
    std::shared_ptr<const void> keep_alive = c->data;
    constants_[v] = Tensor::Borrow(dtype, sizes, c->data->data(), std::move(keep_alive));
  }

  GraphPlan& plan = plans_[&graph];
  std::unordered_map<const ir::Value*, size_t> last_use;
  std::vector<const ir::Op*> ops;
  for (const ir::Op* op : graph.ops()) {
    std::vector<const ir::Value*> reads;
    CollectReads(*op, reads);
    for (const ir::Value* v : reads) {
      if (v->graph() == &graph && v->is_op_result()) last_use[v] = ops.size();
    }
    ops.push_back(op);
    PrepareRealTypes(*op);
    for (int r = 0; r < op->num_regions(); ++r) Prepare(op->region(r));
  }
  std::unordered_set<const ir::Value*> outputs;
  for (int i = 0; i < graph.num_outputs(); ++i) outputs.insert(graph.output(i));
  plan.release_after.assign(ops.size(), {});
  for (size_t i = 0; i < ops.size(); ++i) {
    for (int r = 0; r < ops[i]->num_results(); ++r) {
      const ir::Value* v = ops[i]->result(r);
      if (outputs.count(v)) continue;
      auto it = last_use.find(v);
      plan.release_after[it == last_use.end() ? i : it->second].push_back(v);
    }
  }
}

void ReferenceExecutor::BindConstants(const ir::Graph& graph, Scope& scope) const {
  for (int i = 0; i < graph.num_constants(); ++i) {
    auto it = constants_.find(graph.constant(i));
    if (it != constants_.end()) scope.Set(it->first, it->second);
  }
}

Status ReferenceExecutor::MissingValue(const ir::Value& v, std::string_view what) const {
  auto it = constant_problems_.find(&v);
  if (it != constant_problems_.end()) {
    return Status::Error(StrCat(what, " is constant ", ValueLabel(v, "(unnamed)"),
                                ", which cannot be used: ", it->second));
  }
  return Status::Error(StrCat(what, " (", ValueLabel(v, "unnamed"), ") has no value"));
}

Expected<std::vector<Tensor>> ReferenceExecutor::Run(std::span<const Tensor> inputs,
                                                     const RunOptions& options) {
  if (static_cast<int>(inputs.size()) != graph_.num_inputs()) {
    return Status::Error(StrCat("expected ", graph_.num_inputs(), " inputs, got ", inputs.size()));
  }
  Scope scope(nullptr);
  for (int i = 0; i < graph_.num_inputs(); ++i) {
    const ir::Value* v = graph_.input(i);
    std::string problem = TypeMismatch(*v->type(), inputs[i]);
    if (problem.empty() && inputs[i].raw() == nullptr && inputs[i].num_bytes() > 0) {
      problem = "it has no data";
    }
    if (!problem.empty()) {
      return Status::Error(StrCat("input ", ValueLabel(*v, StrCat(i)), ": ", problem));
    }
    scope.Set(v, inputs[i]);
  }
  BindConstants(graph_, scope);

  RunState state{options, std::max(1, options.threads), {}};
  state.keep.insert(options.fetch.begin(), options.fetch.end());
  if (Status s = RunGraph(graph_, scope, state, /*top=*/true); !s.ok()) return s;

  std::vector<Tensor> out;
  out.reserve(graph_.num_outputs() + options.fetch.size());
  for (int i = 0; i < graph_.num_outputs(); ++i) {
    const Tensor* t = scope.Find(graph_.output(i));
    if (t == nullptr) return MissingValue(*graph_.output(i), StrCat("output ", i));
    out.push_back(*t);
  }
  for (size_t i = 0; i < options.fetch.size(); ++i) {
    const ir::Value* v = options.fetch[i];
    const Tensor* t = v == nullptr ? nullptr : scope.Find(v);
    if (t == nullptr) {
      if (v != nullptr && v->graph() == &graph_) return MissingValue(*v, StrCat("fetch ", i));
      return Status::Error(StrCat("fetch ", i, " is not a value of the top-level graph"));
    }
    out.push_back(*t);
  }
  return out;
}

Status ReferenceExecutor::RunGraph(const ir::Graph& graph, Scope& scope, RunState& state,
                                   bool top) const {
  const GraphPlan& plan = plans_.at(&graph);
  size_t index = 0;
  std::vector<Tensor> results;
  for (const ir::Op* op : graph.ops()) {
    if (Status s = RunOp(*op, scope, state, results); !s.ok()) {
      return Status::Error(StrCat(NodeLabel(*op), ": ", s.message()));
    }
    for (int i = 0; i < op->num_results(); ++i) {
      if (top && state.options.observer) state.options.observer(*op->result(i), results[i]);
      scope.Set(op->result(i), std::move(results[i]));
    }
    for (const ir::Value* v : plan.release_after[index]) {
      if (!state.keep.count(v)) scope.Erase(v);
    }
    ++index;
  }
  return Status::Ok();
}

Status ReferenceExecutor::RunOp(const ir::Op& op, Scope& scope, RunState& state,
                                std::vector<Tensor>& results) const {
  results.assign(op.num_results(), Tensor());
  if (op.kind() == ir::OpKind::kIf) return RunIf(op, scope, state, results);
  OpKernelFn fn = KernelTable().Find(op.kind());
  if (fn == nullptr) return Status::Error("no reference kernel");

  std::vector<const Tensor*> operands(op.num_operands(), nullptr);
  for (int i = 0; i < op.num_operands(); ++i) {
    const ir::Value* v = op.operand(i);
    if (v == nullptr) continue;
    operands[i] = scope.Find(v);
    if (operands[i] == nullptr) return MissingValue(*v, StrCat("operand ", i));
  }
  if (real_types_.count(&op)) {
    if (Status s = RunOnRealValues(op, fn, operands, results, state.threads); !s.ok()) return s;
  } else {
    OpKernelContext ctx{op, operands, results, state.threads};
    if (Status s = fn(ctx); !s.ok()) return s;
  }

  for (int i = 0; i < op.num_results(); ++i) {
    const Tensor& t = results[i];
    if (t.raw() == nullptr && t.num_bytes() > 0) {
      return Status::Error(StrCat("the kernel did not produce result ", i));
    }
    const DType want = DTypeOf(op.result(i)->type()->scalar());
    if (t.dtype() != want) {
      return Status::Error(StrCat("the kernel produced ", rt::DTypeName(t.dtype()), " for result ",
                                  i, ", whose type is ", op.result(i)->type()->ToString()));
    }
  }
  return Status::Ok();
}

Status ReferenceExecutor::RunIf(const ir::Op& op, const Scope& scope, RunState& state,
                                std::vector<Tensor>& results) const {
  const ir::Value* cond_value = op.operand(0);
  const Tensor* cond = cond_value ? scope.Find(cond_value) : nullptr;
  if (cond == nullptr) return MissingValue(*cond_value, "operand 0");
  if (cond->dtype() != DType::kBool || cond->num_elements() != 1) {
    return Status::Error(StrCat("the condition must be one bool, got ",
                                rt::DTypeName(cond->dtype()), ShapeString(cond->shape())));
  }
  const ir::Graph& branch = op.region(cond->data<uint8_t>()[0] != 0 ? 0 : 1);
  Scope inner(&scope);
  BindConstants(branch, inner);
  if (Status s = RunGraph(branch, inner, state, /*top=*/false); !s.ok()) return s;
  if (branch.num_outputs() != op.num_results()) {
    return Status::Error(StrCat("region '", branch.name(), "' returns ", branch.num_outputs(),
                                " values for ", op.num_results(), " results"));
  }
  for (int i = 0; i < branch.num_outputs(); ++i) {
    const Tensor* t = inner.Find(branch.output(i));
    if (t == nullptr) return MissingValue(*branch.output(i), StrCat("region output ", i));
    const DType want = DTypeOf(op.result(i)->type()->scalar());
    if (t->dtype() != want) {
      return Status::Error(StrCat("region '", branch.name(), "' returns ",
                                  rt::DTypeName(t->dtype()), " for result ", i, ", whose type is ",
                                  op.result(i)->type()->ToString()));
    }
    results[i] = *t;
  }
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Executor> CreateReferenceExecutor(const ir::Graph& graph) {
  return std::make_unique<ReferenceExecutor>(graph);
}

}  // namespace kiln::ref
