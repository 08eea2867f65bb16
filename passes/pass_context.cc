#include "passes/pass_context.h"

namespace kiln {

void PassContext::Invalidate(const PreservedAnalyses& preserved) {
  if (preserved.all()) return;
  for (auto it = analyses_.begin(); it != analyses_.end();) {
    it = preserved.IsPreserved(it->first.first) ? std::next(it) : analyses_.erase(it);
  }
}

void PassContext::SetCurrentPass(std::string_view name, PassOptions options) {
  current_pass_ = std::string(name);
  pass_options_ = std::move(options);
}

void PassContext::AddStatistic(std::string_view name, int64_t delta) {
  auto pass = statistics_.find(current_pass_);
  if (pass == statistics_.end())
    pass = statistics_.emplace(current_pass_, Statistics::mapped_type()).first;
  auto stat = pass->second.find(name);
  if (stat == pass->second.end()) stat = pass->second.emplace(std::string(name), 0).first;
  stat->second += delta;
}

int64_t PassContext::GetStatistic(std::string_view pass, std::string_view name) const {
  auto p = statistics_.find(pass);
  if (p == statistics_.end()) return 0;
  auto s = p->second.find(name);
  return s == p->second.end() ? 0 : s->second;
}

}  // namespace kiln
