// `kiln bench MODEL [--threads N] [--runs R] [--warmup W] [--input NAME=FILE.npy] [--json]
// [--profile]`:
// times a model's Run on one input set: W untimed warm-up runs (the first prepares kernels and
// packs weights), then R timed runs; prints the median, p10 and p90 in milliseconds (or one
// JSON object with `median_ms` and every run's time in `times_ms`). Without --input every input is
// filled with seeded uniform values in [-1, 1), symbolic dims set by --dim (default 1).
// --profile also times every op of the timed runs (op_profile.h); it adds a little overhead.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "tools/kiln/cli_error.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/input_files.h"
#include "tools/kiln/op_profile.h"
#include "tools/kiln/runnable_model.h"

namespace kiln::cli {
namespace {

Expected<std::map<std::string, int64_t>> ParseDims(const std::vector<std::string>& flags) {
  std::map<std::string, int64_t> dims;
  for (const std::string& flag : flags) {
    size_t eq = flag.find('=');
    int64_t value = 0;
    if (eq == std::string::npos || eq == 0 || !(std::istringstream(flag.substr(eq + 1)) >> value) ||
        value < 1) {
      return Status::Error("--dim '" + flag + "': expected SYMBOL=SIZE with SIZE >= 1");
    }
    dims[flag.substr(0, eq)] = value;
  }
  return dims;
}

Expected<std::vector<ref::Tensor>> RandomInputs(const RunnableModel& model,
                                                const std::map<std::string, int64_t>& dims) {
  std::mt19937 rng(0);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<ref::Tensor> tensors;
  for (const ModelInput& input : model.inputs()) {
    // Symbol names are not known per dim here: every non-static dim takes the one --dim value
    // given (there is usually one symbol, the batch), else 1.
    ref::Shape shape;
    for (int64_t d : input.dims) {
      shape.push_back(d >= 0 ? d : (dims.size() == 1 ? dims.begin()->second : 1));
    }
    rt::Result<ref::Tensor> t = ref::Tensor::Zeros(input.dtype, shape);
    if (!t.ok()) return Status::Error("input '" + input.name + "': " + t.status().message());
    if (input.dtype == rt::DType::kF32) {
      float* p = t->mutable_data<float>();
      for (int64_t i = 0; i < t->num_elements(); ++i) p[i] = uniform(rng);
    }
    tensors.push_back(std::move(*t));
  }
  return tensors;
}

double Percentile(std::vector<double> sorted, double q) {
  if (sorted.empty()) return 0;
  double pos = q * static_cast<double>(sorted.size() - 1);
  size_t lo = static_cast<size_t>(pos);
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

Status RunBench(const BenchOptions& options, std::ostream& out) {
  if (options.runs < 1) return Status::Error("--runs must be at least 1");
  if (options.warmup < 0) return Status::Error("--warmup must not be negative");
  ir::Context ctx;
  Expected<std::unique_ptr<RunnableModel>> model =
      OpenRunnableModel(options.model, {.threads = options.threads}, ctx);
  if (!model) return model.error();
  Expected<std::map<std::string, int64_t>> dims = ParseDims(options.dims);
  if (!dims) return dims.error();
  Expected<std::vector<ref::Tensor>> inputs =
      options.inputs.empty() ? RandomInputs(**model, *dims)
                             : ReadInputFiles(options.inputs, **model, options.model);
  if (!inputs) return inputs.error();

  auto run_once = [&]() -> Expected<double> {
    auto start = std::chrono::steady_clock::now();
    Expected<std::vector<ref::Tensor>> outputs = (*model)->Run(*inputs);
    if (!outputs) return outputs.error();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
  };
  for (int i = 0; i < options.warmup; ++i) {
    if (Expected<double> ms = run_once(); !ms) return ms.error();
  }
  if (options.profile && !(*model)->StartProfiling()) {
    return Status::Error("--profile needs a compiled .kiln artifact; '" + options.model +
                         "' runs on the " + (*model)->runtime_name() + " runtime");
  }
  std::vector<double> times;
  for (int i = 0; i < options.runs; ++i) {
    Expected<double> ms = run_once();
    if (!ms) return ms.error();
    times.push_back(*ms);
  }
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  double median = Percentile(sorted, 0.5), p10 = Percentile(sorted, 0.1),
         p90 = Percentile(sorted, 0.9);
  if (options.json) {
    nlohmann::json j = {{"model", options.model},
                        {"runtime", (*model)->runtime_name()},
                        {"threads", options.threads},
                        {"runs", options.runs},
                        {"warmup", options.warmup},
                        {"median_ms", median},
                        {"p10_ms", p10},
                        {"p90_ms", p90},
                        {"min_ms", sorted.front()},
                        {"max_ms", sorted.back()},
                        {"times_ms", times}};
    if (options.profile) j["ops"] = OpProfileJson((*model)->OpTimes());
    out << j.dump() << "\n";
  } else {
    out << fmt::format(
        "{}: median {:.3f} ms, p10 {:.3f} ms, p90 {:.3f} ms ({} runs after {} warm-up, {} "
        "thread(s), {} runtime)\n",
        options.model, median, p10, p90, options.runs, options.warmup, options.threads,
        (*model)->runtime_name());
    if (options.profile) out << FormatOpProfile((*model)->OpTimes(), 15);
  }
  return Status::Ok();
}

void AddBenchCommand(CLI::App& app) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand("bench", "Time a model's runs (median, p10, p90 in ms)");
  cmd->add_option("model", options->model, "Model (.kiln, or .onnx/.kir on the reference runtime)")
      ->required();
  cmd->add_option("-t,--threads", options->threads, "Threads for the kernels")->default_val(1);
  cmd->add_option("-r,--runs", options->runs, "Timed runs")->default_val(50);
  cmd->add_option("-w,--warmup", options->warmup, "Untimed runs first")->default_val(5);
  cmd->add_option("-i,--input", options->inputs,
                  "NAME=FILE.npy per model input (default: seeded random values)");
  cmd->add_option("--dim", options->dims,
                  "SYMBOL=SIZE for symbolic input dims of the random inputs (default 1)");
  cmd->add_flag("--json", options->json, "Print one JSON object (with median_ms)");
  cmd->add_flag("--profile", options->profile,
                "Also time every op (.kiln only): totals per kernel and the slowest ops");
  cmd->callback([options] { ExitOnError(RunBench(*options, std::cout)); });
}

}  // namespace kiln::cli
