#include "passes/registry.h"

#include <cassert>

namespace kiln {

namespace {

// The characters the pipeline parser reads as part of a pass name.
[[maybe_unused]] bool IsValidPassName(std::string_view name) {
  if (name.empty() || name == "fixpoint") return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

void PassRegistry::Register(std::string name, std::string description, PassFactory factory) {
  assert(IsValidPassName(name) && "pass names are [A-Za-z0-9_.-]+ and not 'fixpoint'");
  assert(!Contains(name) && !FindPipeline(name) && "pass registered twice");
  entries_.insert_or_assign(std::move(name), Entry{std::move(description), std::move(factory)});
}

Expected<std::unique_ptr<Pass>> PassRegistry::Create(std::string_view name,
                                                     const PassOptions& options) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) return Status::Error("unknown pass '" + std::string(name) + "'");
  Expected<std::unique_ptr<Pass>> pass = it->second.factory(options);
  assert((!pass.ok() || (*pass && (*pass)->name() == name)) &&
         "factory made a pass whose name() differs from its registered name");
  return pass;
}

std::vector<std::pair<std::string, std::string>> PassRegistry::List() const {
  std::vector<std::pair<std::string, std::string>> list;
  list.reserve(entries_.size());
  for (const auto& [name, entry] : entries_) list.emplace_back(name, entry.description);
  return list;
}

void PassRegistry::RegisterPipeline(std::string name, std::string description, std::string text) {
  assert(IsValidPassName(name) && "pipeline names are [A-Za-z0-9_.-]+ and not 'fixpoint'");
  assert(!Contains(name) && !FindPipeline(name) && "name registered twice");
  pipelines_.insert_or_assign(std::move(name),
                              NamedPipeline{std::move(description), std::move(text)});
}

const std::string* PassRegistry::FindPipeline(std::string_view name) const {
  auto it = pipelines_.find(name);
  return it == pipelines_.end() ? nullptr : &it->second.text;
}

std::vector<std::pair<std::string, std::string>> PassRegistry::ListPipelines() const {
  std::vector<std::pair<std::string, std::string>> list;
  for (const auto& [name, p] : pipelines_) list.emplace_back(name, p.description);
  return list;
}

}  // namespace kiln
