// Every registered pass, run over every case of every golden pass test (tests/lit/passes/),
// must (1) leave a graph the verifier accepts, (2) change nothing when run a second time, and
// (3) keep the graph's outputs on the reference runtime. The per-pass tests check the cases
// written for each pass; this one also feeds each pass the cases written for the others.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ir/printer.h"
#include "ir/verifier.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

struct Case {
  std::string where;  // file:case
  std::string text;
};

// The `// -----` separated cases of every .kir file in `dir`, in a stable order.
std::vector<Case> LoadCases(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".kir") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Case> cases;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    std::string text;
    int index = 0;
    auto flush = [&] {
      cases.push_back({file.filename().string() + ":" + std::to_string(index++), text});
      text.clear();
    };
    while (std::getline(in, line)) {
      if (line.starts_with("// -----")) {
        flush();
      } else {
        text += line + "\n";
      }
    }
    flush();
  }
  return cases;
}

std::vector<std::string> PassNames() {
  PassRegistry registry;
  RegisterAllPasses(registry);
  std::vector<std::string> names;
  for (const auto& [name, description] : registry.List()) names.push_back(name);
  for (const auto& [name, description] : registry.ListPipelines()) names.push_back(name);
  return names;
}

TEST(AllPassesTest, EveryPassOnEveryGoldenCase) {
  const std::vector<Case> cases = LoadCases(KILN_LIT_PASSES_DIR);
  ASSERT_GT(cases.size(), 50u) << "golden cases not found in " << KILN_LIT_PASSES_DIR;
  const std::vector<std::string> passes = PassNames();
  int checked = 0;
  int compared = 0;
  for (const Case& c : cases) {
    ir::Context probe_ctx;
    Expected<std::unique_ptr<ir::Graph>> probe = ir::ParseGraph(c.text, c.where, probe_ctx);
    if (!probe || !ir::VerifyGraph(**probe).ok()) continue;  // cases about bad input
    for (const std::string& pass : passes) {
      SCOPED_TRACE(pass + " on " + c.where);
      ir::Context ctx;
      std::unique_ptr<ir::Graph> original = testing::ParseOrDie(c.text, ctx);
      std::unique_ptr<ir::Graph> g = testing::ParseOrDie(c.text, ctx);
      ASSERT_TRUE(original && g);
      Status once = testing::RunPipelineOn(*g, pass);
      ASSERT_TRUE(once.ok()) << once.message();
      const std::string first = ir::PrintGraph(*g);
      Status twice = testing::RunPipelineOn(*g, pass);
      ASSERT_TRUE(twice.ok()) << twice.message();
      EXPECT_EQ(first, ir::PrintGraph(*g)) << "a second run changed the graph";
      ++checked;

      // Numerics, where the case can be run on random inputs (known dims, supported types).
      testing::NumericsOptions o{.max_rel_error = 1e-5,
                                 .min_cosine = 0.999999,
                                 .dims = {{"N", 2}, {"S", 3}, {"B", 2}, {"T", 3}}};
      Expected<std::vector<ref::Tensor>> inputs = testing::RandomInputs(*original, o);
      if (!inputs) continue;
      if (!testing::RunAsDoubles(*original, *inputs)) continue;
      EXPECT_TRUE(testing::SameOutputs(*original, *g, o));
      ++compared;
    }
  }
  std::cout << checked << " (pass, case) pairs idempotent, " << compared
            << " also compared numerically\n";
}

}  // namespace
}  // namespace kiln
