#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "codegen/compile.h"
#include "codegen/target_registry.h"
#include "ir/context.h"
#include "passes/register_all.h"
#include "tools/kiln/atomic_file.h"
#include "tools/kiln/cli_error.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/model_io.h"

namespace kiln::cli {
namespace {

// "fnv1a64:" and 16 hex digits of FNV-1a (64 bit) over `bytes`: the artifact's source hash.
std::string SourceHash(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return fmt::format("fnv1a64:{:016x}", h);
}

// --max-dim SYM=N, N >= 1.
Expected<std::map<std::string, int64_t>> ParseMaxDims(const std::vector<std::string>& specs) {
  std::map<std::string, int64_t> dims;
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    int64_t n = 0;
    const char* begin = spec.data() + (eq == std::string::npos ? 0 : eq + 1);
    const char* end = spec.data() + spec.size();
    auto [ptr, ec] = std::from_chars(begin, end, n);
    if (eq == std::string::npos || eq == 0 || ec != std::errc() || ptr != end || n < 1) {
      return Status::Error("--max-dim '" + spec + "': expected SYM=N with N >= 1 (e.g. N=8)");
    }
    const std::string symbol = spec.substr(0, eq);
    if (dims.count(symbol)) return Status::Error("--max-dim: '" + symbol + "' given twice");
    dims[symbol] = n;
  }
  return dims;
}

std::string FormatBytes(int64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KiB", b / 1024);
  if (bytes < int64_t{1024} * 1024 * 1024) return fmt::format("{:.1f} MiB", b / (1024 * 1024));
  return fmt::format("{:.1f} GiB", b / (1024 * 1024 * 1024));
}

std::string ReportJson(const CompileCommandOptions& options, const std::string& source_hash,
                       const codegen::CompileReport& r, const nlohmann::json& quantization) {
  nlohmann::json j;  // keys sorted: the same compilation gives the same text
  j["input"] = std::filesystem::path(options.input).filename().string();
  j["output"] = std::filesystem::path(options.output).filename().string();
  j["source_hash"] = source_hash;
  j["target"] = r.target;
  j["pipeline"] = r.pipeline;
  j["dims"] = r.dims;
  j["ops_before"] = r.ops_before;
  j["ops_after"] = r.ops_after;
  j["num_ops_before"] = r.num_ops_before;
  j["num_ops"] = r.num_ops;
  j["num_tensors"] = r.num_tensors;
  j["arena_bytes"] = r.arena_bytes;
  j["linear_arena_bytes"] = r.linear_arena_bytes;
  j["constant_bytes"] = r.constant_bytes;
  j["artifact_bytes"] = r.artifact_bytes;
  if (!quantization.is_null()) j["quantization"] = quantization;
  return j.dump(2) + "\n";
}

Status CheckPaths(const CompileCommandOptions& options) {
  if (std::filesystem::path(options.output).extension() != ".kiln") {
    return Status::Error("'" + options.output + "': the output must be a .kiln file");
  }
  if (!options.report.empty() && std::filesystem::path(options.report).extension() != ".json") {
    return Status::Error("'" + options.report + "': --report writes JSON (a .json file)");
  }
  return Status::Ok();
}

}  // namespace

Status RunCompile(const CompileCommandOptions& options, std::ostream& err) {
  if (Status s = CheckPaths(options); !s.ok()) return s;
  Expected<std::map<std::string, int64_t>> max_dims = ParseMaxDims(options.max_dims);
  if (!max_dims) return max_dims.error();
  // Fail on a bad target or quantization flags before the (possibly long) import.
  if (Expected<const codegen::Target*> t = codegen::FindTarget(options.target); !t) {
    return t.error();
  }
  if (Status s = CheckQuantizeFlags(options.quantize); !s.ok()) return s;
  const bool quantize = WantsQuantization(options.quantize);

  Expected<std::string> source = ReadFile(options.input);
  if (!source) return source.error();
  const std::string source_hash = SourceHash(*source);
  source = std::string();  // the importer reads the file itself
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> graph = LoadModel(options.input, ctx);
  if (!graph) return graph.error();

  const std::string base_name = std::filesystem::path(options.input).filename().string();
  codegen::CompileOptions compile{.target = options.target,
                                  .pipeline = options.pipeline,
                                  .opt_level = options.opt_level,
                                  .max_dims = *max_dims,
                                  .source_hash = source_hash,
                                  .metadata = {{"source", base_name}}};
  if (options.pipeline) {
    compile.metadata["pipeline"] = *options.pipeline;
  } else {
    compile.metadata["pipeline"] = std::string(PipelineForLevel(options.opt_level));
    compile.metadata["opt_level"] = fmt::format("O{}", options.opt_level);
  }
  nlohmann::json quantization;
  if (quantize) {
    compile.metadata["quantize"] = options.quantize.scheme;
    compile.after_pipeline = [&](ir::Graph& g) -> Status {
      QuantizeFlags flags = options.quantize;
      flags.quiet = flags.quiet || options.quiet;
      Expected<nlohmann::json> report =
          ApplyQuantizeFlags(g, flags, options.target, options.input, err);
      if (!report) {
        // CompileModel's errors get the model path below; this one names it already.
        std::string message = report.error().message();
        const std::string prefix = options.input + ": ";
        if (message.starts_with(prefix)) message.erase(0, prefix.size());
        return Status::Error(message);
      }
      quantization = std::move(*report);
      return Status::Ok();
    };
  }
  Expected<codegen::CompiledModel> compiled = codegen::CompileModel(**graph, compile);
  if (!compiled) return Status::Error(options.input + ": " + compiled.error().message());

  const std::vector<uint8_t>& bytes = compiled->artifact;
  std::string_view content(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (Status s = WriteFileAtomically(options.output, content); !s.ok()) return s;
  const codegen::CompileReport& r = compiled->report;
  if (!options.report.empty()) {
    Status s =
        WriteFileAtomically(options.report, ReportJson(options, source_hash, r, quantization));
    if (!s.ok()) return s;
  }
  if (!options.quiet) {
    err << fmt::format("compiled {} for {}: {} op{}, arena {} (linear {}), constants {} -> {}\n",
                       base_name, r.target, r.num_ops, r.num_ops == 1 ? "" : "s",
                       FormatBytes(r.arena_bytes), FormatBytes(r.linear_arena_bytes),
                       FormatBytes(r.constant_bytes), options.output);
  }
  return Status::Ok();
}

void AddCompileCommand(CLI::App& app) {
  auto options = std::make_shared<CompileCommandOptions>();
  CLI::App* cmd =
      app.add_subcommand("compile", "Compile a model for a target runtime into a .kiln artifact");
  cmd->add_option("input", options->input, "Model (.onnx or .kir)")->required()->type_name("MODEL");
  cmd->add_option("-o,--output", options->output, "Artifact to write (.kiln)")
      ->required()
      ->type_name("OUT.kiln");
  std::string targets;
  for (const std::string& t : codegen::TargetNames()) targets += (targets.empty() ? "" : ", ") + t;
  cmd->add_option("-t,--target", options->target, "Target runtime: " + targets)
      ->required()
      ->type_name("NAME");
  CLI::Option* pipeline = cmd->add_option("-p,--pipeline", options->pipeline,
                                          "Pass pipeline to run before codegen instead of -O's, "
                                          "e.g. \"cleanup,fuse-activation\"")
                              ->type_name("STR");
  cmd->add_option("-O", options->opt_level,
                  "Optimization level: -O0 verify only, -O1 cleanup, -O2 optimize (default)")
      ->check(CLI::Range(0, 2))
      ->excludes(pipeline);
  cmd->add_option("--max-dim", options->max_dims,
                  "SYM=N: plan memory for symbolic dim SYM up to N (repeatable; default 1 for "
                  "every symbol)")
      ->type_name("SYM=N");
  cmd->add_option("--report", options->report,
                  "Write a JSON report: op counts before/after, arena bytes (greedy and linear), "
                  "constant bytes")
      ->type_name("FILE.json");
  cmd->add_flag("-q,--quiet", options->quiet, "No summary line on stderr");
  AddQuantizeFlags(cmd, options->quantize);
  cmd->footer(
      "The artifact is the same bytes for the same model and flags. On error nothing is "
      "written.\n"
      "Example:\n"
      "  kiln compile resnet50.onnx --target cloud --max-dim N=8 -o resnet50.kiln\n"
      "  kiln compile resnet50.onnx --target cloud --quantize int8 --calib calib/ -o r50.kiln\n"
      "--quantize adds the quantization report (per-layer error, repairs) to --report.\n");
  cmd->callback([options] { ExitOnError(RunCompile(*options, std::cerr)); });
}

}  // namespace kiln::cli
