// Compiles an IR graph for one target into `.kiln` artifact bytes: the whole codegen flow.
//
// Steps: run the pass pipeline (-O2's `optimize` by default), `after_pipeline` if set (the
// quantizer), then the target's legalization;
// check that the target supports every op (the error names the node); make every graph output
// an op result (codegen/materialize_outputs.h); bind each symbolic dim to its bound (1 unless
// `max_dims` says otherwise) and work out every buffer's dims at the bounds; plan the arena
// greedily with the target's buffer sizes, check the plan, and emit. The graph is changed in
// place (it ends as the artifact holds it).
//
//   Expected<CompiledModel> m = CompileModel(graph, {.target = "cloud", .max_dims = {{"N", 8}}});
//   if (!m) return m.error();   // "node 'If_3': op 'if' is not supported by target 'cloud'"
//   WriteFile("net.kiln", m->artifact);   m->report.arena_bytes;
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "ir/status.h"

namespace kiln::codegen {

// "kiln 0.1.0": what artifacts record as their compiler version.
std::string_view CompilerVersion();

struct CompileOptions {
  std::string target = "cloud";
  std::optional<std::string> pipeline = std::nullopt;  // pass pipeline; else opt_level's
  int opt_level = 2;                                   // 0: verify only, 1: cleanup, 2: optimize
  // The largest size of each symbolic dim; a symbol not listed gets 1. Every key must name a
  // symbolic dim of the optimized graph.
  std::map<std::string, int64_t> max_dims = {};
  std::string source_hash = "";  // "fnv1a64:<16 hex digits>" of the source file
  std::map<std::string, std::string> metadata = {};
  std::string compiler_version = std::string(CompilerVersion());
  bool verify_each = true;  // verify the graph after every pass
  // Runs between the pipeline and the target's legalization, on the optimized float graph:
  // `kiln compile --quantize` quantizes there (the fusions decide what one quantized op covers,
  // and legalization lowers the quantized form). An error stops the compilation.
  std::function<Status(ir::Graph&)> after_pipeline = nullptr;
};

// What a compilation did, for `kiln compile --report` and the one-line summary.
struct CompileReport {
  std::string target;
  std::string pipeline;                       // the canonical pipeline text that ran
  std::map<std::string, int64_t> ops_before;  // op kind -> count, before the pipeline
  std::map<std::string, int64_t> ops_after;   // ... in the artifact
  int64_t num_ops_before = 0;
  int64_t num_ops = 0;             // ops in the artifact
  int64_t num_tensors = 0;         // tensors in the artifact
  int64_t arena_bytes = 0;         // the greedy plan
  int64_t linear_arena_bytes = 0;  // what the linear plan (one slot per buffer) would need
  int64_t constant_bytes = 0;      // the constant blob, padding included
  int64_t artifact_bytes = 0;
  std::map<std::string, int64_t> dims;  // the bound each symbolic dim was planned for
};

struct CompiledModel {
  std::vector<uint8_t> artifact;
  CompileReport report;
};

Expected<CompiledModel> CompileModel(ir::Graph& graph, const CompileOptions& options);

}  // namespace kiln::codegen
