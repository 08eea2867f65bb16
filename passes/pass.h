// A pass: a named graph transformation, run by the PassManager over one ir::Graph.
//
// A pass reports whether it changed the graph, which cached analyses survived the change,
// and, when the graph is something it cannot handle (user input, not a bug), an error.
//
//   class DeadCodeEliminationPass : public Pass { ... name() { return "dce"; } ... };
//   PassResult r = pass.run(graph, ctx);
//   if (!r.ok()) return r.status();  else if (r.changed()) ctx.Invalidate(r.preserved());
#pragma once

#include <cassert>
#include <string_view>
#include <utility>

#include "ir/graph.h"
#include "ir/status.h"
#include "passes/analysis/analysis.h"

namespace kiln {

class PassContext;

class PassResult {
 public:
  static PassResult Unchanged() { return PassResult(false, PreservedAnalyses::All()); }
  // By default a change invalidates every analysis; list the ones that stay correct.
  static PassResult Changed(PreservedAnalyses preserved = PreservedAnalyses::None()) {
    return PassResult(true, std::move(preserved));
  }
  static PassResult ChangedIf(bool changed) { return changed ? Changed() : Unchanged(); }
  // The pass could not handle this graph; `error` says why, naming the node.
  static PassResult Failure(Status error) {
    assert(!error.ok() && "PassResult::Failure with an ok Status");
    PassResult r(false, PreservedAnalyses::All());
    r.status_ = std::move(error);
    return r;
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  bool changed() const { return changed_; }
  const PreservedAnalyses& preserved() const { return preserved_; }

 private:
  PassResult(bool changed, PreservedAnalyses preserved)
      : changed_(changed), preserved_(std::move(preserved)) {}

  bool changed_;
  PreservedAnalyses preserved_;
  Status status_;
};

class Pass {
 public:
  virtual ~Pass() = default;
  // The command-line name: "dce", "fold-batchnorm".
  virtual std::string_view name() const = 0;
  virtual PassResult run(ir::Graph& graph, PassContext& ctx) = 0;
};

}  // namespace kiln
