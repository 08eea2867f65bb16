#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "ir/context.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "passes/pass_manager.h"
#include "passes/register_all.h"
#include "passes/registry.h"
#include "tools/kiln/atomic_file.h"
#include "tools/kiln/cli_error.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/graph_summary.h"
#include "tools/kiln/model_io.h"
#include "tools/kiln/op_count_change.h"
#include "tools/kiln/split_input.h"

namespace kiln::cli {
namespace {

PassManagerOptions ManagerOptions(const OptOptions& options, std::ostream& err) {
  PassManagerOptions pm;
  pm.verify_each = options.verify_each;
  pm.print_after = options.print_after;
  pm.print_after_change = options.print_after_change;
  pm.print_stream = &err;
  pm.timing = options.timing;
  return pm;
}

// Runs the pipeline, recording op counts before and after when --stats asks for them.
Status RunCounted(PassManager& pm, ir::Graph& graph, const OptOptions& options,
                  OpCountChange& counts) {
  if (options.stats) counts.AddBefore(ComputeGraphStats(graph));
  if (Status s = pm.Run(graph); !s.ok()) return Status::Error(options.input + ": " + s.message());
  if (options.stats) counts.AddAfter(ComputeGraphStats(graph));
  return Status::Ok();
}

void Report(const PassManager& pm, const OptOptions& options, const OpCountChange& counts,
            std::ostream& err) {
  if (options.timing) err << pm.FormatReport();
  if (options.stats) err << counts.Format();
}

// Parses, optimizes and prints one graph.
Expected<std::string> OptimizeText(std::string_view text, const OptOptions& options,
                                   PassManager& pm, OpCountChange& counts) {
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> graph = ParseModelText(text, options.input, ctx);
  if (!graph) return graph.error();
  if (Status s = RunCounted(pm, **graph, options, counts); !s.ok()) return s;
  return ir::PrintGraph(**graph);
}

}  // namespace

Status RunOpt(const OptOptions& options, std::ostream& out, std::ostream& err) {
  if (Status s = CheckOutputPath(options.output); !s.ok()) return s;
  PassRegistry registry;
  RegisterAllPasses(registry);
  PassManager pm(registry, ManagerOptions(options, err));
  const std::string pipeline =
      options.pipeline ? *options.pipeline : std::string(PipelineForLevel(options.opt_level));
  if (Status s = pm.AddPipeline(pipeline); !s.ok()) return s;
  OpCountChange counts;

  bool onnx_out = options.output.ends_with(".onnx");
  if (options.split_input_file && onnx_out) {
    return Status::Error("--split-input-file writes textual IR (.kir or -), not ONNX");
  }
  if (Status s = CheckQuantizeFlags(options.quantize); !s.ok()) return s;
  const bool quantize = WantsQuantization(options.quantize);
  if (quantize && options.split_input_file) {
    return Status::Error("--quantize works on one model, not with --split-input-file");
  }
  if (!options.report.empty() && !quantize) {
    return Status::Error("--report writes the quantization report: it needs --quantize");
  }
  if (options.target != "cloud" && options.target != "edge") {
    return Status::Error("--target '" + options.target + "': expected cloud or edge");
  }
  std::string result;
  if (options.split_input_file) {
    Expected<std::string> text = ReadFile(options.input);
    if (!text) return text.error();
    std::vector<InputChunk> chunks = SplitInputFile(*text);
    for (size_t i = 0; i < chunks.size(); ++i) {
      Expected<std::string> printed = OptimizeText(chunks[i].text, options, pm, counts);
      if (!printed) return printed.error();
      if (i > 0) result += std::string(kSplitMarker) + "\n";
      result += *printed;
    }
  } else {
    ir::Context ctx;
    Expected<std::unique_ptr<ir::Graph>> graph = LoadModel(options.input, ctx);
    if (!graph) return graph.error();
    if (Status s = RunCounted(pm, **graph, options, counts); !s.ok()) return s;
    if (quantize) {
      Expected<nlohmann::json> report =
          ApplyQuantizeFlags(**graph, options.quantize, options.target, options.input, err);
      if (!report) return report.error();
      if (Status s = ir::VerifyGraph(**graph); !s.ok()) {
        return Status::Error(options.input + ": after quantization: " + s.message());
      }
      if (!options.report.empty()) {
        Status s = WriteFileAtomically(options.report, report->dump(2) + "\n");
        if (!s.ok()) return s;
      }
    }
    if (onnx_out) {
      Report(pm, options, counts, err);
      return SaveModel(**graph, options.output);
    }
    result = ir::PrintGraph(**graph);
  }
  Report(pm, options, counts, err);
  if (options.output == "-") {
    out << result << std::flush;
    return Status::Ok();
  }
  return WriteFileAtomically(options.output, result);
}

void AddOptCommand(CLI::App& app) {
  auto options = std::make_shared<OptOptions>();
  CLI::App* cmd = app.add_subcommand("opt", "Run a pass pipeline over a model");
  cmd->add_option("input", options->input, "Input model (.onnx or .kir)")->required();
  cmd->add_option("-o,--output", options->output,
                  "Output model (.onnx, .kir, or - for textual IR on stdout)")
      ->required();
  CLI::Option* pipeline =
      cmd->add_option("-p,--pipeline", options->pipeline,
                      "Pass pipeline, e.g. \"optimize\" or \"fixpoint(cse,dce)\" (empty: just "
                      "verify and print)");
  cmd->add_option("-O", options->opt_level,
                  "Optimization level instead of --pipeline: -O0 verify only, -O1 cleanup "
                  "(default), -O2 optimize")
      ->check(CLI::Range(0, 2))
      ->excludes(pipeline);
  cmd->add_flag("--stats", options->stats, "Print op counts before and after to stderr");
  cmd->add_flag("!--no-verify", options->verify_each, "Do not verify the graph after each pass");
  cmd->add_option("--print-after", options->print_after,
                  "Print the IR to stderr after the named pass (repeatable; \"all\": every pass)");
  cmd->add_flag("--print-after-change", options->print_after_change,
                "Print the IR to stderr after every pass that changed it");
  cmd->add_flag("--timing", options->timing, "Print per-pass time and statistics to stderr");
  cmd->add_flag("--split-input-file", options->split_input_file,
                "Treat each '// -----' separated part of the input as its own graph");
  AddQuantizeFlags(cmd, options->quantize);
  cmd->add_option("-t,--target", options->target,
                  "With --quantize: the target whose int8 scheme to use, cloud (default) or edge")
      ->type_name("NAME");
  cmd->add_option("--report", options->report,
                  "With --quantize: write the quantization report (per-layer error, repairs)")
      ->type_name("FILE.json");

  PassRegistry registry;
  RegisterAllPasses(registry);
  std::string footer = "Passes:\n";
  for (const auto& [name, description] : registry.List()) {
    footer += fmt::format("  {:<22}{}\n", name, description);
  }
  footer += "Pipelines:\n";
  for (const auto& [name, description] : registry.ListPipelines()) {
    footer += fmt::format("  {:<22}{}\n", name, description);
    footer += fmt::format("  {:<22}= {}\n", "", *registry.FindPipeline(name));
  }
  footer +=
      "A pipeline is a comma-separated list; fixpoint(a,b) repeats a,b until nothing changes.\n";
  cmd->footer(footer);

  cmd->callback([options] { ExitOnError(RunOpt(*options, std::cout, std::cerr)); });
}

}  // namespace kiln::cli
