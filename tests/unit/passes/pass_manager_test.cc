#include "passes/pass_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "ir/builder.h"
#include "ir/printer.h"
#include "passes/cleanup/register.h"
#include "passes/pass_context.h"

namespace kiln {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Counts how often it is computed.
class CountingAnalysis {
 public:
  static constexpr std::string_view kName = "counting";
  static inline int computed = 0;
  explicit CountingAnalysis(const ir::Graph& graph) : num_ops(graph.num_ops()) { ++computed; }
  size_t num_ops;
};

// Reports a change `n` times, then none (the graph stays as it was).
class CountdownPass : public Pass {
 public:
  explicit CountdownPass(int n) : n_(n) {}
  std::string_view name() const override { return "countdown"; }
  PassResult run(ir::Graph&, PassContext& ctx) override {
    ctx.AddStatistic("ticks");
    return PassResult::ChangedIf(n_-- > 0);
  }

 private:
  int n_;
};

// Appends an `add` with one operand: the verifier must reject it.
class BreakGraphPass : public Pass {
 public:
  std::string_view name() const override { return "break-graph"; }
  PassResult run(ir::Graph& graph, PassContext&) override {
    graph.CreateOp(ir::OpKind::kAdd, {graph.input(0)}, {graph.input(0)->type()});
    return PassResult::Changed();
  }
};

class FailPass : public Pass {
 public:
  std::string_view name() const override { return "fail"; }
  PassResult run(ir::Graph&, PassContext&) override {
    return PassResult::Failure(Status::Error("op 'Conv_3' has no calibration data"));
  }
};

// Reads CountingAnalysis.
class UseAnalysisPass : public Pass {
 public:
  std::string_view name() const override { return "use-analysis"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override {
    ctx.GetAnalysis<CountingAnalysis>(graph);
    return PassResult::Unchanged();
  }
};

// Claims a change, preserving CountingAnalysis when asked to.
class TouchPass : public Pass {
 public:
  explicit TouchPass(bool preserve) : preserve_(preserve) {}
  std::string_view name() const override { return "touch"; }
  PassResult run(ir::Graph&, PassContext&) override {
    return preserve_ ? PassResult::Changed(PreservedAnalyses::None().Preserve<CountingAnalysis>())
                     : PassResult::Changed();
  }

 private:
  bool preserve_;
};

template <class P, class... Args>
Expected<std::unique_ptr<Pass>> Make(Args... args) {
  return std::unique_ptr<Pass>(std::make_unique<P>(args...));
}

class PassManagerTest : public ::testing::Test {
 protected:
  PassManagerTest() {
    RegisterCleanupPasses(registry_);
    registry_.Register("countdown", "",
                       [](const PassOptions& o) -> Expected<std::unique_ptr<Pass>> {
                         if (Status s = o.CheckKnown("countdown", {"n"}); !s.ok()) return s;
                         Expected<int64_t> n = o.GetInt("countdown", "n", 1);
                         if (!n) return n.error();
                         return Make<CountdownPass>(static_cast<int>(*n));
                       });
    registry_.Register("break-graph", "", OptionlessFactory<BreakGraphPass>());
    registry_.Register("fail", "", OptionlessFactory<FailPass>());
    registry_.Register("use-analysis", "", OptionlessFactory<UseAnalysisPass>());
    registry_.Register("touch", "", [](const PassOptions& o) -> Expected<std::unique_ptr<Pass>> {
      Expected<bool> preserve = o.GetBool("touch", "preserve", false);
      if (!preserve) return preserve.error();
      return Make<TouchPass>(*preserve);
    });

    // y = relu(x) twice (cse merges them), plus a dead neg (dce removes it).
    ir::Builder b(graph_);
    ir::Value* x = graph_.AddInput("x", b.Type(ir::ScalarType::kF32, {4}));
    ir::Value* r1 = b.Create(ir::OpKind::kRelu, {x}, x->type());
    ir::Value* r2 = b.Create(ir::OpKind::kRelu, {x}, x->type());
    b.Create(ir::OpKind::kNeg, {x}, x->type());
    graph_.AddOutput(b.Create(ir::OpKind::kAdd, {r1, r2}, x->type()), "y");
    CountingAnalysis::computed = 0;
  }

  // Runs `pipeline` with `options`, returning the error message or "ok".
  std::string RunPipeline(std::string_view pipeline, PassManagerOptions options = {}) {
    options.print_stream = &printed_;
    pm_ = std::make_unique<PassManager>(registry_, options);
    if (Status s = pm_->AddPipeline(pipeline); !s.ok()) return s.message();
    Status s = pm_->Run(graph_);
    return s.ok() ? "ok" : s.message();
  }

  const PassSummary* Summary(std::string_view pass) const {
    for (const PassSummary& s : pm_->summaries()) {
      if (s.pass == pass) return &s;
    }
    return nullptr;
  }

  static std::string Header(std::string_view when, std::string_view pass) {
    return "// -----// IR " + std::string(when) + " '" + std::string(pass) + "' //----- //\n";
  }
  std::string Printed() const {
    ir::PrintOptions options;
    options.elide_constants = true;
    std::string text = ir::PrintGraph(graph_, options);
    if (text.empty() || text.back() != '\n') text += '\n';
    return text;
  }

  PassRegistry registry_;
  ir::Context ctx_;
  ir::Graph graph_{ctx_, "net"};
  std::ostringstream printed_;
  std::unique_ptr<PassManager> pm_;
};

TEST_F(PassManagerTest, RunsPassesInOrder) {
  EXPECT_EQ(RunPipeline("cse,dce"), "ok");
  EXPECT_EQ(graph_.num_ops(), 2u);  // relu, add
  EXPECT_EQ(pm_->PipelineString(), "cse,dce");
  ASSERT_EQ(pm_->summaries().size(), 2u);
  EXPECT_EQ(pm_->summaries()[0].pass, "cse");
  EXPECT_EQ(pm_->summaries()[1].pass, "dce");
  EXPECT_EQ(pm_->summaries()[0].statistics.at("ops-merged"), 1);
  EXPECT_EQ(pm_->summaries()[1].statistics.at("ops-removed"), 1);
}

TEST_F(PassManagerTest, FixpointStopsWhenNothingChanges) {
  EXPECT_EQ(RunPipeline("fixpoint(countdown{n=3})"), "ok");
  EXPECT_EQ(Summary("countdown")->runs, 4);
  EXPECT_EQ(Summary("countdown")->changed, 3);
  EXPECT_EQ(Summary("countdown")->statistics.at("ticks"), 4);
}

TEST_F(PassManagerTest, FixpointOfRealPassesConverges) {
  EXPECT_EQ(RunPipeline("fixpoint(cse,dce)"), "ok");
  EXPECT_EQ(Summary("cse")->runs, 2);
  EXPECT_EQ(Summary("cse")->changed, 1);
  EXPECT_EQ(Summary("dce")->changed, 1);
}

TEST_F(PassManagerTest, NestedFixpointRerunsWhenAnInnerOneChanged) {
  // Outer iteration 1: countdown{n=1} changes; inner runs countdown{n=2} 3 times (changed).
  // Outer iteration 2: outer countdown unchanged; inner runs once more, unchanged. Done.
  EXPECT_EQ(RunPipeline("fixpoint(countdown{n=1},fixpoint(countdown{n=2}))"), "ok");
  EXPECT_EQ(Summary("countdown")->runs, 2 + 4);
  EXPECT_EQ(Summary("countdown")->changed, 1 + 2);
}

TEST_F(PassManagerTest, FixpointBoundExceededNamesThePipeline) {
  EXPECT_EQ(RunPipeline("dce, fixpoint{max=2}(cse, countdown{n=5})"),
            "fixpoint{max=2}(cse,countdown{n=5}) did not converge in 2 iterations "
            "(still changing: countdown{n=5})");
  EXPECT_EQ(Summary("countdown")->runs, 2);
}

TEST_F(PassManagerTest, DefaultFixpointBoundIs32) {
  EXPECT_EQ(RunPipeline("fixpoint(countdown{n=100})"),
            "fixpoint(countdown{n=100}) did not converge in 32 iterations "
            "(still changing: countdown{n=100})");
  EXPECT_EQ(RunPipeline("fixpoint(countdown{n=31})"), "ok");
}

TEST_F(PassManagerTest, VerifierFailureNamesThePass) {
  EXPECT_THAT(RunPipeline("cse,break-graph,dce"), StartsWith("after pass 'break-graph': "));
  EXPECT_EQ(Summary("dce"), nullptr);
}

TEST_F(PassManagerTest, NoVerifyLetsABrokenGraphThrough) {
  EXPECT_EQ(RunPipeline("break-graph", {.verify_each = false}), "ok");
}

TEST_F(PassManagerTest, InvalidInputIsReportedBeforeTheFirstPass) {
  graph_.CreateOp(ir::OpKind::kAdd, {graph_.input(0)}, {graph_.input(0)->type()});
  EXPECT_THAT(RunPipeline("cse"), StartsWith("before the first pass: "));
  EXPECT_EQ(Summary("cse"), nullptr);
}

TEST_F(PassManagerTest, PassFailureNamesThePass) {
  EXPECT_EQ(RunPipeline("cse,fail,dce"), "pass 'fail': op 'Conv_3' has no calibration data");
}

TEST_F(PassManagerTest, PipelineErrorsAddNothing) {
  PassManager pm(registry_);
  EXPECT_EQ(pm.AddPipeline("cse,csee").message(), "pipeline:1:5: unknown pass 'csee'");
  EXPECT_EQ(pm.AddPipeline("cse, dce{aggressive=1}").message(),
            "pipeline:1:6: pass 'dce' has no option 'aggressive'");
  EXPECT_EQ(pm.PipelineString(), "");
  EXPECT_TRUE(pm.AddPipeline("cse").ok());
  EXPECT_TRUE(pm.AddPipeline("fixpoint( dce )").ok());
  pm.AddPass(std::make_unique<FailPass>());
  EXPECT_EQ(pm.PipelineString(), "cse,fixpoint(dce),fail");
}

TEST_F(PassManagerTest, PrintAfterNamedPass) {
  EXPECT_EQ(RunPipeline("cse,dce", {.print_after = {"dce"}}), "ok");
  EXPECT_EQ(printed_.str(), Header("after", "dce") + Printed());
}

TEST_F(PassManagerTest, PrintAfterAllAndBefore) {
  EXPECT_EQ(RunPipeline("countdown{n=0},countdown{n=0}",
                        {.print_after = {"all"}, .print_before_all = true}),
            "ok");
  std::string ir = Printed();
  EXPECT_EQ(printed_.str(), Header("before", "countdown") + ir + Header("after", "countdown") + ir +
                                Header("before", "countdown") + ir + Header("after", "countdown") +
                                ir);
}

TEST_F(PassManagerTest, PrintAfterChangeSkipsUnchangedPasses) {
  // dce and cse change the graph the first time round, not the second.
  EXPECT_EQ(RunPipeline("dce,cse,dce,cse", {.print_after_change = true}), "ok");
  std::string out = printed_.str();
  EXPECT_EQ(out.find(Header("after", "dce")), 0u);
  size_t cse = out.find(Header("after", "cse"));
  ASSERT_NE(cse, std::string::npos);
  EXPECT_EQ(out.substr(cse), Header("after", "cse") + Printed());
  size_t headers = 0;
  for (size_t at = out.find("// -----// IR"); at != std::string::npos;
       at = out.find("// -----// IR", at + 1)) {
    ++headers;
  }
  EXPECT_EQ(headers, 2u);
}

TEST_F(PassManagerTest, PrintAfterUnknownPassIsAnError) {
  EXPECT_EQ(RunPipeline("cse", {.print_after = {"cs"}}), "print-after: unknown pass 'cs'");
}

TEST_F(PassManagerTest, AnalysesAreCachedUntilAChange) {
  EXPECT_EQ(RunPipeline("use-analysis,use-analysis,countdown{n=0},use-analysis"), "ok");
  EXPECT_EQ(CountingAnalysis::computed, 1);
}

TEST_F(PassManagerTest, ChangingPassInvalidatesAnalyses) {
  EXPECT_EQ(RunPipeline("use-analysis,touch,use-analysis,touch,use-analysis"), "ok");
  EXPECT_EQ(CountingAnalysis::computed, 3);
}

TEST_F(PassManagerTest, PreservedAnalysesSurviveAChange) {
  EXPECT_EQ(RunPipeline("use-analysis,touch{preserve=true},use-analysis"), "ok");
  EXPECT_EQ(CountingAnalysis::computed, 1);
}

TEST_F(PassManagerTest, EachRunStartsWithAnEmptyCache) {
  EXPECT_EQ(RunPipeline("use-analysis"), "ok");
  EXPECT_TRUE(pm_->Run(graph_).ok());
  EXPECT_EQ(CountingAnalysis::computed, 2);
  EXPECT_EQ(Summary("use-analysis")->runs, 2);
}

TEST_F(PassManagerTest, ReportWithoutTimingIsDeterministic) {
  EXPECT_EQ(RunPipeline("fixpoint(cse,dce)"), "ok");
  EXPECT_EQ(pm_->FormatReport(),
            "pass     runs  changed\n"
            "cse         2        1\n"
            "  ops-merged: 1\n"
            "dce         2        1\n"
            "  ops-removed: 1\n"
            "total       4        2\n");
}

TEST_F(PassManagerTest, ReportWithTiming) {
  EXPECT_EQ(RunPipeline("cse,dce", {.timing = true}), "ok");
  std::string report = pm_->FormatReport();
  EXPECT_THAT(report, StartsWith("pass     runs  changed   time (ms)\ncse         1        1"));
  EXPECT_THAT(report, HasSubstr("\ntotal       2        2 "));
  EXPECT_GT(pm_->summaries()[0].seconds, 0.0);
}

TEST(PassContextTest, GetAnalysisCachesPerGraphUntilInvalidated) {
  ir::Context ctx;
  ir::Graph a(ctx, "a");
  ir::Graph b(ctx, "b");
  PassContext pc;
  CountingAnalysis::computed = 0;
  const CountingAnalysis& first = pc.GetAnalysis<CountingAnalysis>(a);
  EXPECT_EQ(&pc.GetAnalysis<CountingAnalysis>(a), &first);
  pc.GetAnalysis<CountingAnalysis>(b);
  EXPECT_EQ(CountingAnalysis::computed, 2);
  EXPECT_TRUE(pc.IsCached<CountingAnalysis>(a));

  pc.Invalidate(PreservedAnalyses::All());
  EXPECT_TRUE(pc.IsCached<CountingAnalysis>(a));
  pc.Invalidate(PreservedAnalyses::None().Preserve<CountingAnalysis>());
  EXPECT_TRUE(pc.IsCached<CountingAnalysis>(b));
  pc.Invalidate(PreservedAnalyses::None());
  EXPECT_FALSE(pc.IsCached<CountingAnalysis>(a));
  EXPECT_FALSE(pc.IsCached<CountingAnalysis>(b));
  pc.GetAnalysis<CountingAnalysis>(a);
  EXPECT_EQ(CountingAnalysis::computed, 3);
}

TEST(PassContextTest, StatisticsAreRecordedUnderTheCurrentPass) {
  PassContext pc;
  PassOptions options;
  options.Set("bits", "8");
  pc.SetCurrentPass("quantize", options);
  EXPECT_EQ(pc.pass_options().GetString("bits", ""), "8");
  pc.AddStatistic("ops-quantized", 3);
  pc.AddStatistic("ops-quantized", 2);
  pc.SetCurrentPass("dce");
  EXPECT_TRUE(pc.pass_options().empty());
  pc.AddStatistic("ops-removed");
  EXPECT_EQ(pc.GetStatistic("quantize", "ops-quantized"), 5);
  EXPECT_EQ(pc.GetStatistic("dce", "ops-removed"), 1);
  EXPECT_EQ(pc.GetStatistic("dce", "ops-quantized"), 0);
  EXPECT_EQ(pc.statistics().size(), 2u);
}

}  // namespace
}  // namespace kiln
