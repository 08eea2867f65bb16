#include "passes/pass_manager.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <utility>

#include "ir/printer.h"
#include "ir/verifier.h"
#include "passes/pass_context.h"
#include "passes/pipeline.h"

namespace kiln {

struct PassManager::Node {
  std::unique_ptr<Pass> pass;  // null for a fixpoint
  PassOptions options;
  int max_iterations = 0;
  std::vector<Node> children;
  std::string text;  // canonical pipeline text
};

PassManager::PassManager(const PassRegistry& registry, PassManagerOptions options)
    : registry_(&registry), options_(std::move(options)) {}

PassManager::~PassManager() = default;

Expected<PassManager::Node> PassManager::Instantiate(const PipelineElement& element) const {
  Node node;
  node.text = element.ToString();
  if (element.is_fixpoint()) {
    node.max_iterations = element.max_iterations;
    for (const PipelineElement& child : element.children) {
      Expected<Node> child_node = Instantiate(child);
      if (!child_node) return child_node.error();
      node.children.push_back(std::move(*child_node));
    }
    return node;
  }
  Expected<std::unique_ptr<Pass>> pass = registry_->Create(element.name, element.options);
  if (!pass) {
    return Status::Error(PipelineLocation(element.line, element.column) + pass.error().message());
  }
  node.pass = std::move(*pass);
  node.options = element.options;
  return node;
}

Status PassManager::AddPipeline(std::string_view text) {
  Expected<Pipeline> pipeline = ParsePipeline(text, *registry_);
  if (!pipeline) return pipeline.error();
  std::vector<Node> nodes;
  for (const PipelineElement& element : pipeline->elements) {
    Expected<Node> node = Instantiate(element);
    if (!node) return node.error();
    nodes.push_back(std::move(*node));
  }
  for (Node& node : nodes) nodes_.push_back(std::move(node));
  return Status::Ok();
}

void PassManager::AddPass(std::unique_ptr<Pass> pass) {
  assert(pass && "PassManager::AddPass(nullptr)");
  Node node;
  node.text = std::string(pass->name());
  node.pass = std::move(pass);
  nodes_.push_back(std::move(node));
}

std::string PassManager::PipelineString() const {
  std::string out;
  for (const Node& node : nodes_) out += (out.empty() ? "" : ",") + node.text;
  return out;
}

bool PassManager::HasPassNamed(const std::vector<Node>& nodes, std::string_view name) {
  return std::any_of(nodes.begin(), nodes.end(), [&](const Node& node) {
    return node.pass ? node.pass->name() == name : HasPassNamed(node.children, name);
  });
}

Status PassManager::Run(ir::Graph& graph) {
  for (const std::string& name : options_.print_after) {
    if (name != "all" && !registry_->Contains(name) && !HasPassNamed(nodes_, name)) {
      return Status::Error("print-after: unknown pass '" + name + "'");
    }
  }
  if (options_.verify_each) {
    if (Status s = ir::VerifyGraph(graph); !s.ok()) {
      return Status::Error("before the first pass: " + s.message());
    }
  }
  PassContext ctx;
  bool changed = false;
  Status status = RunSequence(nodes_, graph, ctx, changed, nullptr);
  for (const auto& [pass, stats] : ctx.statistics()) {
    if (pass.empty()) continue;  // recorded outside any pass
    PassSummary& summary = SummaryFor(pass);
    for (const auto& [name, value] : stats) summary.statistics[name] += value;
  }
  return status;
}

Status PassManager::RunSequence(std::vector<Node>& nodes, ir::Graph& graph, PassContext& ctx,
                                bool& changed, std::vector<std::string>* changers) {
  for (Node& node : nodes) {
    bool node_changed = false;
    Status s = node.pass ? RunPass(node, graph, ctx, node_changed)
                         : RunFixpoint(node, graph, ctx, node_changed);
    if (!s.ok()) return s;
    if (node_changed) {
      changed = true;
      if (changers) changers->push_back(node.text);
    }
  }
  return Status::Ok();
}

Status PassManager::RunPass(Node& node, ir::Graph& graph, PassContext& ctx, bool& changed) {
  std::string_view name = node.pass->name();
  if (options_.print_before_all) PrintIr("before", name, graph);
  ctx.SetCurrentPass(name, node.options);
  auto start = std::chrono::steady_clock::now();
  PassResult result = node.pass->run(graph, ctx);
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  ctx.SetCurrentPass("");

  PassSummary& summary = SummaryFor(name);
  summary.runs += 1;
  summary.seconds += elapsed.count();
  if (!result.ok()) {
    return Status::Error("pass '" + std::string(name) + "': " + result.status().message());
  }
  changed = result.changed();
  if (changed) {
    summary.changed += 1;
    ctx.Invalidate(result.preserved());
  }
  if (PrintsAfter(name, changed)) PrintIr("after", name, graph);
  if (changed && options_.verify_each) {
    if (Status s = ir::VerifyGraph(graph); !s.ok()) {
      return Status::Error("after pass '" + std::string(name) + "': " + s.message());
    }
  }
  return Status::Ok();
}

Status PassManager::RunFixpoint(Node& node, ir::Graph& graph, PassContext& ctx, bool& changed) {
  std::vector<std::string> changers;
  for (int i = 0; i < node.max_iterations; ++i) {
    bool iteration_changed = false;
    changers.clear();
    if (Status s = RunSequence(node.children, graph, ctx, iteration_changed, &changers); !s.ok()) {
      return s;
    }
    if (!iteration_changed) return Status::Ok();
    changed = true;
  }
  std::string still;
  for (const std::string& c : changers) still += (still.empty() ? "" : ", ") + c;
  return Status::Error(node.text + " did not converge in " + std::to_string(node.max_iterations) +
                       " iterations (still changing: " + still + ")");
}

bool PassManager::PrintsAfter(std::string_view pass, bool changed) const {
  if (changed && options_.print_after_change) return true;
  return std::any_of(options_.print_after.begin(), options_.print_after.end(),
                     [&](const std::string& name) { return name == "all" || name == pass; });
}

void PassManager::PrintIr(std::string_view when, std::string_view pass,
                          const ir::Graph& graph) const {
  std::ostream& os = options_.print_stream ? *options_.print_stream : std::cerr;
  ir::PrintOptions print_options;
  print_options.elide_constants = true;
  std::string text = ir::PrintGraph(graph, print_options);
  os << "// -----// IR " << when << " '" << pass << "' //----- //\n" << text;
  if (text.empty() || text.back() != '\n') os << '\n';
  os.flush();
}

PassSummary& PassManager::SummaryFor(std::string_view pass) {
  for (PassSummary& summary : summaries_) {
    if (summary.pass == pass) return summary;
  }
  summaries_.emplace_back();
  summaries_.back().pass = std::string(pass);
  return summaries_.back();
}

std::string PassManager::FormatReport() const {
  size_t width = 5;  // "total"
  for (const PassSummary& s : summaries_) width = std::max(width, s.pass.size());
  width += 2;
  auto row = [&](std::string_view name, const std::string& runs, const std::string& changed,
                 const std::string& time) {
    std::string line(name);
    line.resize(width, ' ');
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%6s %8s", runs.c_str(), changed.c_str());
    line += buf;
    if (options_.timing) {
      std::snprintf(buf, sizeof(buf), " %11s", time.c_str());
      line += buf;
    }
    return line + "\n";
  };
  auto ms = [](double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.3f", seconds * 1e3);
    return std::string(buf);
  };

  std::string out = row("pass", "runs", "changed", "time (ms)");
  int runs = 0;
  int changed = 0;
  double seconds = 0;
  for (const PassSummary& s : summaries_) {
    out += row(s.pass, std::to_string(s.runs), std::to_string(s.changed), ms(s.seconds));
    for (const auto& [name, value] : s.statistics) {
      out += "  " + name + ": " + std::to_string(value) + "\n";
    }
    runs += s.runs;
    changed += s.changed;
    seconds += s.seconds;
  }
  out += row("total", std::to_string(runs), std::to_string(changed), ms(seconds));
  return out;
}

}  // namespace kiln
