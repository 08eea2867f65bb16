// What a running pass can reach besides the graph: cached analyses, statistics, and the
// options it was given in the pipeline.
//
// The PassManager makes one PassContext per Run, sets the current pass before calling it,
// and invalidates analyses after a pass that changed the graph.
//
//   const Liveness& live = ctx.GetAnalysis<Liveness>(graph);   // computed once, then cached
//   ctx.AddStatistic("ops-removed", 3);                        // counted under the current pass
//   std::string scheme = ctx.pass_options().GetString("scheme", "per-tensor");
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "ir/graph.h"
#include "passes/analysis/analysis.h"
#include "passes/pass_options.h"

namespace kiln {

class PassContext {
 public:
  PassContext() = default;
  PassContext(const PassContext&) = delete;
  PassContext& operator=(const PassContext&) = delete;

  // Analyses are cached per graph (a region is a graph of its own). The reference stays
  // valid until the next Invalidate that does not preserve A.
  template <Analysis A>
  const A& GetAnalysis(const ir::Graph& graph);
  template <Analysis A>
  bool IsCached(const ir::Graph& graph) const {
    return analyses_.count({AnalysisIdOf<A>(), &graph}) != 0;
  }
  // Drops every cached analysis not in `preserved`.
  void Invalidate(const PreservedAnalyses& preserved);

  // The pass that statistics are recorded under and whose options pass_options() returns.
  void SetCurrentPass(std::string_view name, PassOptions options = {});
  const std::string& current_pass() const { return current_pass_; }
  const PassOptions& pass_options() const { return pass_options_; }

  void AddStatistic(std::string_view name, int64_t delta = 1);
  // 0 when never recorded.
  int64_t GetStatistic(std::string_view pass, std::string_view name) const;
  // pass name -> statistic name -> value, both sorted.
  using Statistics =
      std::map<std::string, std::map<std::string, int64_t, std::less<>>, std::less<>>;
  const Statistics& statistics() const { return statistics_; }

 private:
  struct Holder {
    virtual ~Holder() = default;
  };
  template <class A>
  struct HolderOf final : Holder {
    explicit HolderOf(const ir::Graph& graph) : analysis(graph) {}
    A analysis;
  };
  using Key = std::pair<AnalysisId, const ir::Graph*>;

  std::map<Key, std::unique_ptr<Holder>> analyses_;
  std::string current_pass_;
  PassOptions pass_options_;
  Statistics statistics_;
};

template <Analysis A>
const A& PassContext::GetAnalysis(const ir::Graph& graph) {
  Key key{AnalysisIdOf<A>(), &graph};
  auto it = analyses_.find(key);
  if (it == analyses_.end()) {
    it = analyses_.emplace(key, std::make_unique<HolderOf<A>>(graph)).first;
  }
  return static_cast<const HolderOf<A>&>(*it->second).analysis;
}

}  // namespace kiln
