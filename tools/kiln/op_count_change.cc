#include "tools/kiln/op_count_change.h"

#include <fmt/format.h>

#include <set>

namespace kiln::cli {
namespace {

std::string Signed(int64_t v) { return v == 0 ? "" : fmt::format("{:+d}", v); }

}  // namespace

void OpCountChange::Add(const GraphStats& stats, Side& side) {
  for (const auto& [kind, count] : stats.op_counts) side.ops[kind] += count;
  side.total_ops += stats.num_ops;
  side.parameter_bytes += stats.parameter_bytes;
}

std::string OpCountChange::Format() const {
  std::set<std::string> kinds;
  for (const auto& [kind, count] : before_.ops) kinds.insert(kind);
  for (const auto& [kind, count] : after_.ops) kinds.insert(kind);
  auto count = [](const Side& side, const std::string& kind) -> int64_t {
    auto it = side.ops.find(kind);
    return it == side.ops.end() ? 0 : it->second;
  };
  std::string out = fmt::format("{:<24}{:>12}{:>12}{:>10}\n", "op", "before", "after", "change");
  for (const std::string& kind : kinds) {
    int64_t b = count(before_, kind);
    int64_t a = count(after_, kind);
    out += fmt::format("{:<24}{:>12}{:>12}{:>10}\n", kind, b, a, Signed(a - b));
  }
  out += fmt::format("{:<24}{:>12}{:>12}{:>10}\n", "total", before_.total_ops, after_.total_ops,
                     Signed(after_.total_ops - before_.total_ops));
  out +=
      fmt::format("{:<24}{:>12}{:>12}{:>10}\n", "parameter bytes", before_.parameter_bytes,
                  after_.parameter_bytes, Signed(after_.parameter_bytes - before_.parameter_bytes));
  return out;
}

}  // namespace kiln::cli
