// What an analysis is, and how a pass says which analyses survived its changes.
//
// An analysis is a class with a `static constexpr std::string_view kName` and a constructor
// from `const ir::Graph&` that computes everything up front. PassContext::GetAnalysis builds
// it on first request and caches it until a pass changes the graph without preserving it.
//
//   const Liveness& live = ctx.GetAnalysis<Liveness>(graph);
//   return PassResult::Changed(PreservedAnalyses::None().Preserve<Liveness>());
#pragma once

#include <algorithm>
#include <concepts>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace kiln {

template <class A>
concept Analysis = std::constructible_from<A, const ir::Graph&> && requires {
  { A::kName } -> std::convertible_to<std::string_view>;
};

// Identifies an analysis type: the address of its kName (an inline variable, so one address
// per type in the whole program). Two analyses can never collide, whatever their names.
using AnalysisId = const void*;

template <Analysis A>
AnalysisId AnalysisIdOf() {
  return &A::kName;
}

class PreservedAnalyses {
 public:
  static PreservedAnalyses None() { return PreservedAnalyses(false); }
  static PreservedAnalyses All() { return PreservedAnalyses(true); }

  template <Analysis A>
  PreservedAnalyses& Preserve() {
    if (!IsPreserved(AnalysisIdOf<A>())) ids_.push_back(AnalysisIdOf<A>());
    return *this;
  }
  bool IsPreserved(AnalysisId id) const {
    return all_ || std::find(ids_.begin(), ids_.end(), id) != ids_.end();
  }
  template <Analysis A>
  bool IsPreserved() const {
    return IsPreserved(AnalysisIdOf<A>());
  }
  bool all() const { return all_; }

 private:
  explicit PreservedAnalyses(bool all) : all_(all) {}

  bool all_;
  std::vector<AnalysisId> ids_;
};

}  // namespace kiln
