// Runs pipelines of passes over a graph: verifies between passes, prints IR on request,
// repeats fixpoint groups until nothing changes, and keeps per-pass time and statistics.
//
//   PassManager pm(registry, {.print_after = {"cse"}});
//   if (Status s = pm.AddPipeline("fixpoint(cse,dce)"); !s.ok()) return s;
//   if (Status s = pm.Run(graph); !s.ok()) return s;   // "after pass 'cse': verify: ..."
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "ir/status.h"
#include "passes/pass.h"
#include "passes/registry.h"

namespace kiln {

class PassContext;
struct PipelineElement;

struct PassManagerOptions {
  // Run ir::VerifyGraph before the first pass and after every pass that changed the graph.
  bool verify_each = true;
  // Print the IR after these passes (names, or "all").
  std::vector<std::string> print_after = {};
  // Print the IR after any pass that changed it.
  bool print_after_change = false;
  bool print_before_all = false;
  std::ostream* print_stream = nullptr;  // std::cerr when null
  // Show wall time in FormatReport (off: the report is the same on every run).
  bool timing = false;
};

// One pass, summed over every time it ran (in every Run of this PassManager).
struct PassSummary {
  std::string pass;
  int runs = 0;
  int changed = 0;  // runs that changed the graph
  double seconds = 0.0;
  std::map<std::string, int64_t> statistics;
};

class PassManager {
 public:
  explicit PassManager(const PassRegistry& registry, PassManagerOptions options = {});
  ~PassManager();
  PassManager(const PassManager&) = delete;
  PassManager& operator=(const PassManager&) = delete;

  // Parses `text` (passes/pipeline.h), creates its passes and appends them. On error nothing
  // is appended and the message gives the position: `pipeline:1:5: unknown pass 'csee'`.
  Status AddPipeline(std::string_view text);
  // Appends a pass made by code rather than text (e.g. a target's legalization).
  void AddPass(std::unique_ptr<Pass> pass);
  // The canonical text of everything added so far.
  std::string PipelineString() const;

  // Runs everything added, in order. Errors: `before the first pass: <verifier message>`,
  // `after pass 'cse': <verifier message>`, `pass 'quantize': <the pass's error>`,
  // `fixpoint(cse,dce) did not converge in 32 iterations (still changing: cse)`,
  // `print-after: unknown pass 'x'`.
  Status Run(ir::Graph& graph);

  // In order of first run.
  const std::vector<PassSummary>& summaries() const { return summaries_; }
  // A plain-text table: per pass runs, changed count, time (when options.timing) and
  // statistics.
  std::string FormatReport() const;

 private:
  struct Node;

  Expected<Node> Instantiate(const PipelineElement& element) const;
  Status RunSequence(std::vector<Node>& nodes, ir::Graph& graph, PassContext& ctx, bool& changed,
                     std::vector<std::string>* changers);
  Status RunPass(Node& node, ir::Graph& graph, PassContext& ctx, bool& changed);
  Status RunFixpoint(Node& node, ir::Graph& graph, PassContext& ctx, bool& changed);
  void PrintIr(std::string_view when, std::string_view pass, const ir::Graph& graph) const;
  bool PrintsAfter(std::string_view pass, bool changed) const;
  PassSummary& SummaryFor(std::string_view pass);
  static bool HasPassNamed(const std::vector<Node>& nodes, std::string_view name);

  const PassRegistry* registry_;
  PassManagerOptions options_;
  std::vector<Node> nodes_;
  std::vector<PassSummary> summaries_;
};

}  // namespace kiln
