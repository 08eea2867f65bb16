// The compilation targets Kiln knows, found by name. Registration is explicit
// (RegisterAllTargets), never a static initializer, so every target is listed in one function.
//
//   Expected<const Target*> t = FindTarget("cloud");
//   if (!t) return t.error();   // "unknown target 'gpu' (targets: cloud)"
//   std::vector<std::string> names = TargetNames();   // {"cloud"}
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "codegen/target.h"
#include "ir/status.h"

namespace kiln::codegen {

class TargetRegistry {
 public:
  // A name may be registered once (assert).
  void Register(std::unique_ptr<Target> target);
  // A target that is planned but not built yet: Find explains instead of "unknown".
  void RegisterPlanned(std::string name);

  // Errors: "unknown target 'gpu' (targets: cloud)", "target 'edge' is not available yet
  // (targets: cloud)".
  Expected<const Target*> Find(std::string_view name) const;
  // Available targets, sorted.
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::unique_ptr<Target>, std::less<>> targets_;
  std::set<std::string, std::less<>> planned_;
};

// Every target, and the planned ones.
void RegisterAllTargets(TargetRegistry& registry);

// Over one registry holding every target (built on first use).
Expected<const Target*> FindTarget(std::string_view name);
std::vector<std::string> TargetNames();

}  // namespace kiln::codegen
