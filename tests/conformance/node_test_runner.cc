// kiln_conformance: runs the ONNX backend node tests (model.onnx + test_data_set_0/*.pb per
// case) on the reference runtime and compares with the ONNX backend-test rule (rtol 1e-3,
// atol 1e-5; exact for integers and bools). Each case runs in a forked child, so a crash or a
// hang is a failure of that case, not of the run.
//
//   kiln_conformance                                   # all cases, print failures + summary
//   kiln_conformance --expected expected_passes.txt    # exit 1 if a listed case fails
//   kiln_conformance --filter conv --verbose
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "frontends/onnx/importer.h"
#include "frontends/onnx/tensor_file.h"
#include "ir/context.h"
#include "passes/pass_manager.h"
#include "passes/register_all.h"
#include "runtime/reference/interpreter/executor.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "tests/conformance/tensor_compare.h"

namespace fs = std::filesystem;

namespace kiln::conformance {
namespace {

constexpr const char* kDefaultData = "/usr/share/libonnx-testdata/data/node";
constexpr int kCaseTimeoutSeconds = 60;

struct Options {
  std::string data = kDefaultData;
  std::string expected;       // file of case names that must pass
  std::string write_passing;  // file to write the passing case names to
  std::string filter;         // substring of case names
  std::string pipeline;       // pass pipeline run on each imported graph (empty: none)
  bool verbose = false;
  int jobs = 1;
};

enum class Outcome { kPass, kFail, kSkip };

struct CaseResult {
  Outcome outcome = Outcome::kFail;
  std::string category;  // of a failure: "import", "run", "mismatch", "crash", "timeout"
  std::string message;
};

std::vector<fs::path> DataFiles(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> files;
  for (int i = 0;; ++i) {
    fs::path p = dir / (prefix + std::to_string(i) + ".pb");
    if (!fs::exists(p)) break;
    files.push_back(p);
  }
  return files;
}

Expected<ref::Tensor> ReadTensor(const fs::path& path, ir::Context& ctx) {
  Expected<onnx_import::ImportedTensor> t = onnx_import::ReadTensorProtoFile(path.string(), ctx);
  if (!t) return t.error();
  const ir::Shape& shape = t->type->shape();
  if (!shape.is_static()) return Status::Error(path.string() + ": tensor shape is not static");
  std::shared_ptr<const ir::TensorData> data = t->data;
  return ref::Tensor::Borrow(ref::DTypeOf(t->type->scalar()), shape.static_sizes(), data->data(),
                             data);
}

// ONNX 1.12's test data stores bfloat16 tensors with data type UINT16 (the bits are bf16);
// read such a tensor as bf16 when the model says bf16.
ref::Tensor AsModelType(const ref::Tensor& t, const ir::TensorType& model_type) {
  if (t.dtype() == rt::DType::kU16 && model_type.scalar() == ir::ScalarType::kBF16) {
    return t.WithDType(rt::DType::kBF16);
  }
  return t;
}

// Runs one case in this process.
CaseResult RunCase(const fs::path& dir, const Options& options) {
  fs::path data_dir = dir / "test_data_set_0";
  if (!fs::exists(dir / "model.onnx") || !fs::exists(data_dir)) {
    return {Outcome::kSkip, "", "no model.onnx or test_data_set_0"};
  }
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> graph = ImportOnnxFile((dir / "model.onnx").string(), ctx);
  if (!graph) return {Outcome::kFail, "import", graph.error().message()};
  if (!options.pipeline.empty()) {
    PassRegistry registry;
    RegisterAllPasses(registry);
    PassManager pm(registry, {.verify_each = true});
    Status s = pm.AddPipeline(options.pipeline);
    if (s.ok()) s = pm.Run(**graph);
    if (!s.ok()) return {Outcome::kFail, "passes", s.message()};
  }

  std::vector<ref::Tensor> inputs;
  for (const fs::path& file : DataFiles(data_dir, "input_")) {
    Expected<ref::Tensor> t = ReadTensor(file, ctx);
    if (!t) return {Outcome::kFail, "data", t.error().message()};
    int i = static_cast<int>(inputs.size());
    if (i < (*graph)->num_inputs()) *t = AsModelType(*t, *(*graph)->input(i)->type());
    inputs.push_back(std::move(*t));
  }
  if (static_cast<int>(inputs.size()) != (*graph)->num_inputs()) {
    return {Outcome::kFail, "data",
            std::to_string(inputs.size()) + " input files for " +
                std::to_string((*graph)->num_inputs()) + " graph inputs"};
  }
  std::unique_ptr<ref::Executor> executor = ref::CreateReferenceExecutor(**graph);
  Expected<std::vector<ref::Tensor>> outputs = executor->Run(inputs);
  if (!outputs) return {Outcome::kFail, "run", outputs.error().message()};

  std::vector<fs::path> expected_files = DataFiles(data_dir, "output_");
  if (expected_files.size() != outputs->size()) {
    return {Outcome::kFail, "mismatch",
            std::to_string(outputs->size()) + " outputs, expected " +
                std::to_string(expected_files.size())};
  }
  for (size_t i = 0; i < expected_files.size(); ++i) {
    Expected<ref::Tensor> expected = ReadTensor(expected_files[i], ctx);
    if (!expected) return {Outcome::kFail, "data", expected.error().message()};
    *expected = AsModelType(*expected, *(*graph)->output(static_cast<int>(i))->type());
    std::string why = CompareTensors((*outputs)[i], *expected, {});
    if (!why.empty()) {
      return {Outcome::kFail, "mismatch", "output " + std::to_string(i) + ": " + why};
    }
  }
  return {Outcome::kPass, "", ""};
}

std::string OneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\t', ' ');
  return s;
}

// A running child: the case it runs and the read end of its result pipe.
struct Child {
  pid_t pid;
  int fd;
  size_t index;
  std::string output;
};

Child StartCase(const fs::path& dir, size_t index, const Options& options) {
  int fds[2];
  if (pipe(fds) != 0) {
    perror("pipe");
    std::exit(2);
  }
  std::cout.flush();
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    std::exit(2);
  }
  if (pid == 0) {
    close(fds[0]);
    alarm(kCaseTimeoutSeconds);
    CaseResult r = RunCase(dir, options);
    std::string line = std::to_string(static_cast<int>(r.outcome)) + "\t" + r.category + "\t" +
                       OneLine(r.message) + "\n";
    ssize_t ignored = write(fds[1], line.data(), line.size());
    (void)ignored;
    _exit(0);
  }
  close(fds[1]);
  return {pid, fds[0], index, ""};
}

CaseResult FinishCase(Child& child) {
  char buf[4096];
  ssize_t n;
  while ((n = read(child.fd, buf, sizeof buf)) > 0) child.output.append(buf, n);
  close(child.fd);
  int status = 0;
  waitpid(child.pid, &status, 0);
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    if (sig == SIGALRM) {
      return {Outcome::kFail, "timeout",
              "took longer than " + std::to_string(kCaseTimeoutSeconds) + " s"};
    }
    return {Outcome::kFail, "crash", std::string("killed by signal ") + strsignal(sig)};
  }
  size_t t1 = child.output.find('\t');
  size_t t2 = t1 == std::string::npos ? t1 : child.output.find('\t', t1 + 1);
  if (t2 == std::string::npos) return {Outcome::kFail, "crash", "no result from the case"};
  CaseResult r;
  r.outcome = static_cast<Outcome>(std::stoi(child.output.substr(0, t1)));
  r.category = child.output.substr(t1 + 1, t2 - t1 - 1);
  r.message = child.output.substr(t2 + 1);
  while (!r.message.empty() && r.message.back() == '\n') r.message.pop_back();
  return r;
}

std::vector<CaseResult> RunAll(const std::vector<fs::path>& cases, const Options& options) {
  const int jobs = options.jobs;
  std::vector<CaseResult> results(cases.size());
  std::vector<Child> running;
  size_t next = 0;
  while (next < cases.size() || !running.empty()) {
    while (next < cases.size() && static_cast<int>(running.size()) < jobs) {
      running.push_back(StartCase(cases[next], next, options));
      ++next;
    }
    // Wait for any child's pipe to close (its result is short, so reading at EOF is enough).
    std::vector<pollfd> fds;
    for (const Child& c : running) fds.push_back({c.fd, POLLIN | POLLHUP, 0});
    poll(fds.data(), fds.size(), -1);
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      results[running[i].index] = FinishCase(running[i]);
      running[i].pid = -1;
    }
    std::erase_if(running, [](const Child& c) { return c.pid < 0; });
  }
  return results;
}

std::set<std::string> ReadNameList(const std::string& path) {
  std::set<std::string> names;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    names.insert(line);
  }
  return names;
}

int Main(const Options& options) {
  std::vector<fs::path> cases;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options.data, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.is_directory() && name.find(options.filter) != std::string::npos) {
      cases.push_back(entry.path());
    }
  }
  if (ec) {
    std::cerr << "kiln_conformance: error: '" << options.data << "': " << ec.message() << "\n";
    return 2;
  }
  std::sort(cases.begin(), cases.end());
  std::set<std::string> expected;
  if (!options.expected.empty()) {
    if (!fs::exists(options.expected)) {
      std::cerr << "kiln_conformance: error: '" << options.expected << "': no such file\n";
      return 2;
    }
    expected = ReadNameList(options.expected);
  }

  auto start = std::chrono::steady_clock::now();
  std::vector<CaseResult> results = RunAll(cases, options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  int passed = 0, failed = 0, skipped = 0;
  std::map<std::string, int> by_category;
  std::vector<std::string> passing, regressions, unlisted;
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string name = cases[i].filename().string();
    const CaseResult& r = results[i];
    if (r.outcome == Outcome::kPass) {
      ++passed;
      passing.push_back(name);
      if (!options.expected.empty() && !expected.contains(name)) unlisted.push_back(name);
      if (options.verbose) std::cout << "PASS " << name << "\n";
    } else if (r.outcome == Outcome::kSkip) {
      ++skipped;
      std::cout << "SKIP " << name << ": " << r.message << "\n";
    } else {
      ++failed;
      ++by_category[r.category];
      std::cout << "FAIL " << name << ": " << r.category << ": " << r.message << "\n";
      if (expected.contains(name)) regressions.push_back(name);
    }
  }
  std::cout << "\n"
            << passed << " passed, " << failed << " failed, " << skipped << " skipped ("
            << cases.size() << " cases, " << static_cast<int>(seconds) << " s)\n";
  for (const auto& [category, count] : by_category) {
    std::cout << "  failed in " << category << ": " << count << "\n";
  }
  if (!options.write_passing.empty()) {
    std::ofstream out(options.write_passing);
    out << "# ONNX backend node tests the reference runtime must pass (kiln_conformance).\n"
        << "# Regenerate with: kiln_conformance --write-passing FILE\n";
    for (const std::string& name : passing) out << name << "\n";
  }
  if (!unlisted.empty()) {
    std::cout << unlisted.size() << " passing case(s) are not in the expected list yet (add them):";
    for (const std::string& name : unlisted) std::cout << " " << name;
    std::cout << "\n";
  }
  if (!regressions.empty()) {
    std::cout << "error: " << regressions.size() << " expected case(s) failed:";
    for (const std::string& name : regressions) std::cout << " " << name;
    std::cout << "\n";
    return 1;
  }
  for (const std::string& name : expected) {
    if (std::none_of(cases.begin(), cases.end(),
                     [&](const fs::path& p) { return p.filename() == name; }) &&
        options.filter.empty()) {
      std::cout << "error: expected case '" << name << "' does not exist in " << options.data
                << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace kiln::conformance

int main(int argc, char** argv) {
  kiln::conformance::Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "kiln_conformance: error: " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--data")
      options.data = value();
    else if (arg == "--expected")
      options.expected = value();
    else if (arg == "--write-passing")
      options.write_passing = value();
    else if (arg == "--filter")
      options.filter = value();
    else if (arg == "--pipeline")
      options.pipeline = value();
    else if (arg == "-j" || arg == "--jobs")
      options.jobs = std::max(1, std::atoi(value().c_str()));
    else if (arg == "--verbose" || arg == "-v")
      options.verbose = true;
    else if (arg == "--help" || arg == "-h") {
      std::cout
          << "usage: kiln_conformance [--data DIR] [--expected FILE] [--write-passing FILE]\n"
             "                        [--filter SUBSTRING] [--pipeline STR] [-j N] [--verbose]\n"
             "Runs the ONNX backend node tests on Kiln's reference runtime.\n"
             "  --data DIR           test cases (default "
          << kiln::conformance::kDefaultData
          << ")\n"
             "  --expected FILE      case names that must pass; exit 1 if one fails\n"
             "  --write-passing FILE write the names of the passing cases\n"
             "  --filter SUBSTRING   only cases whose name contains it\n"
             "  --pipeline STR       run this pass pipeline on each graph first (e.g. optimize)\n"
             "  -j N                 run N cases at a time (default 1)\n";
      return 0;
    } else {
      std::cerr << "kiln_conformance: error: unknown option '" << arg << "' (see --help)\n";
      return 2;
    }
  }
  return kiln::conformance::Main(options);
}
