#include "codegen/compile.h"

#include <set>
#include <utility>

#include "codegen/artifact_writer.h"
#include "codegen/bound_shapes.h"
#include "codegen/buffer_requests.h"
#include "codegen/materialize_outputs.h"
#include "codegen/memory_planner.h"
#include "codegen/schema/kiln_artifact_generated.h"
#include "codegen/target_registry.h"
#include "ir/str_cat.h"
#include "passes/pass_manager.h"
#include "passes/register_all.h"
#include "passes/registry.h"

#ifndef KILN_CODEGEN_VERSION
#error "codegen/CMakeLists.txt defines KILN_CODEGEN_VERSION"
#endif

namespace kiln::codegen {
namespace {

using ir::StrCat;

void CountOps(const ir::Graph& graph, std::map<std::string, int64_t>& counts, int64_t& total) {
  for (const ir::Op* op : graph.ops()) {
    ++counts[std::string(op->kind_name())];
    ++total;
    for (int r = 0; r < op->num_regions(); ++r) CountOps(op->region(r), counts, total);
  }
}

// "node 'Conv_12'", or "op #3 (relu)" for an op without a name.
std::string DescribeOp(const ir::Op& op, int index) {
  if (!op.name().empty()) return StrCat("node '", op.name(), "'");
  return StrCat("op #", index, " (", op.kind_name(), ")");
}

// "value '%x' (node 'Reshape_3')", "result 0 of op #3 (reshape)".
std::string DescribeResult(const ir::Value& value, int op_index) {
  const ir::Op& op = *value.producer();
  if (value.name().empty()) {
    return StrCat("result ", value.result_index(), " of ", DescribeOp(op, op_index));
  }
  if (op.name().empty()) return StrCat("value '%", value.name(), "'");
  return StrCat("value '%", value.name(), "' (", DescribeOp(op, op_index), ")");
}

std::string FormatBounds(const std::map<std::string, int64_t>& bounds) {
  std::string out;
  for (const auto& [symbol, max] : bounds) {
    out += StrCat(out.empty() ? "" : ", ", symbol, "=", max);
  }
  return out;
}

Status RunPipeline(ir::Graph& graph, const Target& target, const CompileOptions& options,
                   std::string& pipeline_text) {
  PassRegistry registry;
  RegisterAllPasses(registry);
  PassManager pm(registry, {.verify_each = options.verify_each});
  const std::string pipeline =
      options.pipeline ? *options.pipeline : std::string(PipelineForLevel(options.opt_level));
  if (Status s = pm.AddPipeline(pipeline); !s.ok()) return s;
  PassManager legalize(registry, {.verify_each = options.verify_each});
  target.add_legalization(legalize);
  pipeline_text = pm.PipelineString();
  const std::string legalization = legalize.PipelineString();
  if (!legalization.empty()) {
    pipeline_text += (pipeline_text.empty() ? "" : ",") + legalization;
  }
  if (Status s = pm.Run(graph); !s.ok()) return s;
  if (options.after_pipeline) {
    if (Status s = options.after_pipeline(graph); !s.ok()) return s;
  }
  return legalize.Run(graph);
}

// Every op must run on the target; the first one that cannot is named, with a count of the rest.
Status CheckSupported(const ir::Graph& graph, const Target& target) {
  Status first;
  int unsupported = 0;
  int index = 0;
  for (const ir::Op* op : graph.ops()) {
    if (Status s = target.check_supported(*op); !s.ok()) {
      if (unsupported++ == 0)
        first = Status::Error(StrCat(DescribeOp(*op, index), ": ", s.message()));
    }
    ++index;
  }
  if (unsupported > 1) {
    return Status::Error(StrCat(first.message(), " (and ", unsupported - 1, " more unsupported op",
                                unsupported > 2 ? "s" : "", ")"));
  }
  return first;
}

// The bound of every symbolic dim of the graph: `max_dims` where given, else 1.
Expected<std::map<std::string, int64_t>> BindSymbols(
    const ir::Graph& graph, const std::map<std::string, int64_t>& max_dims) {
  std::set<std::string> symbols;
  auto collect = [&](const ir::Value& v) {
    for (const ir::Dim& d : v.type()->shape().dims()) {
      if (d.is_symbolic()) symbols.insert(d.symbol());
    }
  };
  for (int i = 0; i < graph.num_inputs(); ++i) {
    const ir::Value& input = *graph.input(i);
    collect(input);
    const ir::Shape& shape = input.type()->shape();
    bool unknown = !shape.is_ranked();
    for (const ir::Dim& d : shape.dims()) unknown = unknown || d.is_unknown();
    if (unknown) {
      return Status::Error(StrCat("input '", input.name(), "' has type ", input.type()->ToString(),
                                  "; an artifact needs every input dim static or named"));
    }
  }
  for (const ir::Op* op : graph.ops()) {
    for (int r = 0; r < op->num_results(); ++r) collect(*op->result(r));
  }
  std::map<std::string, int64_t> bounds;
  for (const std::string& s : symbols) bounds[s] = 1;
  for (const auto& [symbol, max] : max_dims) {
    if (!symbols.count(symbol)) {
      std::string known;
      for (const std::string& s : symbols) known += (known.empty() ? "" : ", ") + s;
      return Status::Error(StrCat("max dim '", symbol, "' names no symbolic dim of the model (",
                                  known.empty() ? "it has none" : "it has: " + known, ")"));
    }
    if (max < 1) return Status::Error(StrCat("max dim ", symbol, "=", max, " must be at least 1"));
    bounds[symbol] = max;
  }
  return bounds;
}

// Every op result needs all its dims at the bounds; name the first that does not have them.
Status CheckBoundShapes(const ir::Graph& graph, const BoundShapes& shapes,
                        const std::map<std::string, int64_t>& bounds) {
  int index = 0;
  for (const ir::Op* op : graph.ops()) {
    for (int r = 0; r < op->num_results(); ++r) {
      const ir::Value& v = *op->result(r);
      if (shapes.count(&v)) continue;
      const std::string at = bounds.empty() ? "" : " with " + FormatBounds(bounds);
      return Status::Error(StrCat(DescribeResult(v, index), " has type ", v.type()->ToString(),
                                  ", whose dims shape inference cannot work out", at,
                                  "; compiling needs every dim"));
    }
    ++index;
  }
  return Status::Ok();
}

// Counted in the artifact, not the graph: the dequantize ops of packed constants are no ops
// there (codegen/packed_constant.h).
void FillArtifactCounts(const std::vector<uint8_t>& bytes, CompileReport& report) {
  const artifact::Model* model = artifact::GetModel(bytes.data());
  for (const artifact::Op* op : *model->ops()) ++report.ops_after[op->kernel()->str()];
  report.num_ops = model->ops()->size();
  report.artifact_bytes = static_cast<int64_t>(bytes.size());
  report.num_tensors = model->tensors() ? model->tensors()->size() : 0;
  report.constant_bytes = model->constants() ? model->constants()->size() : 0;
}

}  // namespace

std::string_view CompilerVersion() { return KILN_CODEGEN_VERSION; }

Expected<CompiledModel> CompileModel(ir::Graph& graph, const CompileOptions& options) {
  Expected<const Target*> found = FindTarget(options.target);
  if (!found) return found.error();
  const Target& target = **found;

  CompiledModel out;
  CompileReport& report = out.report;
  report.target = std::string(target.name());
  CountOps(graph, report.ops_before, report.num_ops_before);

  if (Status s = RunPipeline(graph, target, options, report.pipeline); !s.ok()) return s;
  if (Status s = CheckSupported(graph, target); !s.ok()) return s;
  MaterializeGraphOutputs(graph);

  Expected<std::map<std::string, int64_t>> bounds = BindSymbols(graph, options.max_dims);
  if (!bounds) return bounds.error();
  report.dims = *bounds;
  const BoundShapes shapes = InferBoundShapes(graph, *bounds);
  if (Status s = CheckBoundShapes(graph, shapes, *bounds); !s.ok()) return s;

  BufferRequestOptions request_options{
      .dims = *bounds,
      .bound_shapes = &shapes,
      .bytes = [&target](const ir::TensorType& type, std::span<const int64_t> dims) {
        return target.buffer_bytes(type, dims);
      }};
  Expected<BufferRequests> requests = CollectBufferRequests(graph, request_options);
  if (!requests) return requests.error();
  PlannedBuffers buffers{.requests = std::move(*requests), .plan = {}};
  buffers.plan = PlanMemoryGreedy(buffers.requests.requests);
  if (Status s = CheckMemoryPlan(buffers.requests.requests, buffers.plan); !s.ok()) {
    return Status::Error("internal error: the memory plan is wrong: " + s.message());
  }
  report.arena_bytes = buffers.plan.arena_size;
  report.linear_arena_bytes = PlanMemoryLinear(buffers.requests.requests).arena_size;

  ArtifactOptions artifact_options{.target = report.target,
                                   .compiler_version = options.compiler_version,
                                   .source_hash = options.source_hash,
                                   .dims = *bounds,
                                   .metadata = options.metadata};
  Expected<std::vector<uint8_t>> bytes = target.emit(graph, buffers, artifact_options);
  if (!bytes) return bytes.error();
  out.artifact = std::move(*bytes);
  FillArtifactCounts(out.artifact, report);
  return out;
}

}  // namespace kiln::codegen
