// The `kiln` subcommands. Each has an options struct, a Run function that does the work and
// returns a Status (testable without a process), and an Add function that wires it into CLI11.
//
//   OptOptions o{.input = "in.kir", .output = "out.kir", .pipeline = "fixpoint(cse,dce)"};
//   Status s = RunOpt(o, std::cout, std::cerr);
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ir/status.h"
#include "tools/kiln/quantize_flags.h"

namespace CLI {
class App;
}

namespace kiln::cli {

struct CompileCommandOptions {
  std::string input;   // .onnx or .kir
  std::string output;  // .kiln
  std::string target;
  std::optional<std::string> pipeline;  // --pipeline; otherwise the one of opt_level
  int opt_level = 2;                    // -O0 (verify only), -O1 (cleanup), -O2 (optimize)
  std::vector<std::string> max_dims;    // SYM=N: plan symbolic dim SYM for sizes up to N
  std::string report;                   // --report FILE.json, or empty
  bool quiet = false;                   // no summary line on stderr
  QuantizeFlags quantize;               // after the pipeline, before legalization
};
Status RunCompile(const CompileCommandOptions& options, std::ostream& err);
void AddCompileCommand(CLI::App& app);

struct OptOptions {
  std::string input;
  std::string output;
  std::optional<std::string> pipeline;  // --pipeline; otherwise the one of opt_level
  int opt_level = 1;                    // -O0 (verify only), -O1 (cleanup), -O2 (optimize)
  bool stats = false;                   // op counts before/after on stderr
  bool verify_each = true;
  std::vector<std::string> print_after;  // pass names, or "all"
  bool print_after_change = false;
  bool timing = false;
  bool split_input_file = false;
  QuantizeFlags quantize;        // after the pipeline
  std::string target = "cloud";  // whose activation scheme quantization uses
  std::string report;            // --report FILE.json: the quantization report
};
Status RunOpt(const OptOptions& options, std::ostream& out, std::ostream& err);
void AddOptCommand(CLI::App& app);

struct InspectOptions {
  std::string input;
};
Status RunInspect(const InspectOptions& options, std::ostream& out);
void AddInspectCommand(CLI::App& app);

struct RunOptions {
  std::string model;
  std::vector<std::string> inputs;  // NAME=FILE.npy, or FILE.npy for a one-input model
  std::string output_dir;
  int threads = 1;
  bool quiet = false;
};
Status RunRun(const RunOptions& options, std::ostream& out);
void AddRunCommand(CLI::App& app);

struct BenchOptions {
  std::string model;
  int threads = 1;
  int runs = 50;
  int warmup = 5;
  std::vector<std::string> inputs;  // NAME=FILE.npy; empty: random inputs
  std::vector<std::string> dims;    // SYMBOL=SIZE for random inputs
  bool json = false;
  bool profile = false;  // per-op times of the timed runs (a .kiln artifact only)
};
Status RunBench(const BenchOptions& options, std::ostream& out);
void AddBenchCommand(CLI::App& app);

}  // namespace kiln::cli
