#include "tools/kiln/graph_summary.h"

#include <fmt/format.h>

#include <map>

namespace kiln::cli {
namespace {

void CountOps(const ir::Graph& g, std::map<std::string, int64_t>& counts, int64_t& total) {
  for (const ir::Op* op : g.ops()) {
    ++counts[std::string(op->kind_name())];
    ++total;
    for (int r = 0; r < op->num_regions(); ++r) CountOps(op->region(r), counts, total);
  }
}

std::string WithSeparators(int64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ',';
    out += digits[i];
  }
  return out;
}

std::string HumanBytes(int64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < int64_t{1024} * 1024) return fmt::format("{:.1f} KiB", bytes / 1024.0);
  return fmt::format("{:.1f} MiB", bytes / (1024.0 * 1024.0));
}

std::string ValueName(const ir::Value* v, int index, std::string_view prefix) {
  if (!v->name().empty()) return v->name();
  return fmt::format("{}{}", prefix, index);
}

}  // namespace

GraphStats ComputeGraphStats(const ir::Graph& graph) {
  GraphStats stats;
  std::map<std::string, int64_t> counts;
  CountOps(graph, counts, stats.num_ops);
  stats.op_counts.assign(counts.begin(), counts.end());

  std::map<std::string, int64_t> by_type;
  for (const auto& c : graph.pool().entries()) {
    ++stats.num_constants;
    int64_t n = c->type->shape().num_elements().value_or(0);
    stats.num_parameters += n;
    stats.parameter_bytes += ir::StorageBytes(c->type->scalar(), n);
    by_type[std::string(ir::ScalarTypeName(c->type->scalar()))] += n;
  }
  stats.parameters_by_type.assign(by_type.begin(), by_type.end());
  return stats;
}

std::string SummarizeGraph(const ir::Graph& graph) {
  GraphStats stats = ComputeGraphStats(graph);
  std::string out = fmt::format("graph @{}\n", graph.name());
  out += "inputs:\n";
  for (int i = 0; i < graph.num_inputs(); ++i) {
    const ir::Value* v = graph.input(i);
    out += fmt::format("  {}: {}\n", ValueName(v, i, "input"), v->type()->ToString());
  }
  out += "outputs:\n";
  for (int i = 0; i < graph.num_outputs(); ++i) {
    const ir::Value* v = graph.output(i);
    std::string name =
        graph.output_name(i).empty() ? ValueName(v, i, "output") : graph.output_name(i);
    out += fmt::format("  {}: {}\n", name, v->type()->ToString());
  }
  out += fmt::format("ops: {}\n", WithSeparators(stats.num_ops));
  for (const auto& [kind, count] : stats.op_counts) {
    out += fmt::format("  {:<24}{:>8}\n", kind, WithSeparators(count));
  }
  out += fmt::format("parameters: {} in {} constants ({})\n", WithSeparators(stats.num_parameters),
                     stats.num_constants, HumanBytes(stats.parameter_bytes));
  for (const auto& [type, count] : stats.parameters_by_type) {
    out += fmt::format("  {:<24}{:>8}\n", type, WithSeparators(count));
  }
  return out;
}

}  // namespace kiln::cli
