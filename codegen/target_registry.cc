#include "codegen/target_registry.h"

#include <cassert>

#include "codegen/cloud/cloud_target.h"
#include "codegen/edge/edge_target.h"
#include "ir/str_cat.h"

namespace kiln::codegen {
namespace {

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

const TargetRegistry& AllTargets() {
  static const TargetRegistry* registry = [] {
    auto* r = new TargetRegistry;
    RegisterAllTargets(*r);
    return r;
  }();
  return *registry;
}

}  // namespace

void TargetRegistry::Register(std::unique_ptr<Target> target) {
  std::string name(target->name());
  assert(!targets_.count(name) && !planned_.count(name) && "target registered twice");
  targets_[name] = std::move(target);
}

void TargetRegistry::RegisterPlanned(std::string name) {
  assert(!targets_.count(name) && "target registered twice");
  planned_.insert(std::move(name));
}

Expected<const Target*> TargetRegistry::Find(std::string_view name) const {
  if (auto it = targets_.find(name); it != targets_.end()) return it->second.get();
  const std::string available = JoinNames(Names());
  if (planned_.count(name)) {
    return Status::Error(
        ir::StrCat("target '", name, "' is not available yet (targets: ", available, ")"));
  }
  return Status::Error(ir::StrCat("unknown target '", name, "' (targets: ", available, ")"));
}

std::vector<std::string> TargetRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, target] : targets_) names.push_back(name);
  return names;
}

void RegisterAllTargets(TargetRegistry& registry) {
  registry.Register(std::make_unique<CloudTarget>());
  registry.Register(std::make_unique<EdgeTarget>());
}

Expected<const Target*> FindTarget(std::string_view name) { return AllTargets().Find(name); }

std::vector<std::string> TargetNames() { return AllTargets().Names(); }

}  // namespace kiln::codegen
