#include "passes/pipeline.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

// Pipelines only need names; every test pass is the same do-nothing pass under many names.
class NopPass : public Pass {
 public:
  explicit NopPass(std::string name) : name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  PassResult run(ir::Graph&, PassContext&) override { return PassResult::Unchanged(); }

 private:
  std::string name_;
};

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() {
    for (const char* name : {"cleanup", "quantize", "cse", "dce", "fold-batchnorm"}) {
      registry_.Register(name, "", [name](const PassOptions&) -> Expected<std::unique_ptr<Pass>> {
        return std::unique_ptr<Pass>(std::make_unique<NopPass>(name));
      });
    }
  }

  // The canonical text, or the error message.
  std::string Parse(std::string_view text) {
    Expected<Pipeline> p = ParsePipeline(text, registry_);
    return p ? p->ToString() : p.error().message();
  }

  PassRegistry registry_;
};

TEST_F(PipelineTest, ParsesIntoATree) {
  Expected<Pipeline> p =
      ParsePipeline("cleanup,quantize{scheme=per-axis,bits=8},fixpoint(cse,dce)", registry_);
  ASSERT_TRUE(p.ok()) << p.error().message();
  ASSERT_EQ(p->elements.size(), 3u);
  EXPECT_EQ(p->elements[0].name, "cleanup");
  EXPECT_FALSE(p->elements[0].is_fixpoint());
  EXPECT_TRUE(p->elements[0].options.empty());
  EXPECT_EQ(p->elements[1].name, "quantize");
  EXPECT_EQ(p->elements[1].options.GetString("scheme", ""), "per-axis");
  EXPECT_EQ(p->elements[1].options.GetString("bits", ""), "8");
  EXPECT_EQ(p->elements[1].column, 9);
  const PipelineElement& fix = p->elements[2];
  EXPECT_TRUE(fix.is_fixpoint());
  EXPECT_EQ(fix.max_iterations, kDefaultFixpointMaxIterations);
  ASSERT_EQ(fix.children.size(), 2u);
  EXPECT_EQ(fix.children[0].name, "cse");
  EXPECT_EQ(fix.children[1].name, "dce");
  EXPECT_EQ(fix.children[1].column, 55);
}

TEST_F(PipelineTest, PrintsCanonically) {
  EXPECT_EQ(Parse("cse"), "cse");
  EXPECT_EQ(Parse("cleanup,quantize{scheme=per-axis,bits=8},fixpoint(cse,dce)"),
            "cleanup,quantize{bits=8,scheme=per-axis},fixpoint(cse,dce)");
  EXPECT_EQ(Parse("  fixpoint ( cse , dce )\n, dce "), "fixpoint(cse,dce),dce");
  EXPECT_EQ(Parse("quantize{ bits = 8 }"), "quantize{bits=8}");
  EXPECT_EQ(Parse("quantize{}"), "quantize");
  EXPECT_EQ(Parse("fixpoint{max=32}(cse)"), "fixpoint(cse)");
  EXPECT_EQ(Parse("fixpoint{max=4}(cse,fixpoint{ max = 2 }(dce,fold-batchnorm))"),
            "fixpoint{max=4}(cse,fixpoint{max=2}(dce,fold-batchnorm))");
  EXPECT_EQ(Parse(""), "");
  EXPECT_EQ(Parse("  \n "), "");
}

TEST_F(PipelineTest, QuotedValuesRoundTrip) {
  Expected<Pipeline> p =
      ParsePipeline(R"(quantize{calib="my data/x,y", note="say \"hi\" \\"})", registry_);
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(p->elements[0].options.GetString("calib", ""), "my data/x,y");
  EXPECT_EQ(p->elements[0].options.GetString("note", ""), R"(say "hi" \)");
  std::string text = p->ToString();
  EXPECT_EQ(text, R"(quantize{calib="my data/x,y",note="say \"hi\" \\"})");
  EXPECT_EQ(Parse(text), text);
  EXPECT_EQ(Parse("quantize{path=data/calib.npy}"), "quantize{path=data/calib.npy}");
}

TEST_F(PipelineTest, CanonicalTextParsesToItself) {
  for (const char* text :
       {"cse", "cse,dce", "fixpoint(cse,dce)", "fixpoint{max=3}(fixpoint(cse),dce),cleanup",
        "quantize{a=\"\",b=\"x y\"}"}) {
    std::string once = Parse(text);
    EXPECT_EQ(Parse(once), once) << text;
  }
}

TEST_F(PipelineTest, UnknownPassGivesTheColumn) {
  EXPECT_EQ(Parse("cse,csee"), "pipeline:1:5: unknown pass 'csee'");
  EXPECT_EQ(Parse("cleanup,quantize{scheme=per-axis,bits=8},fixpoint(csee,dce)"),
            "pipeline:1:51: unknown pass 'csee'");
  EXPECT_EQ(Parse("cse,\n  dce,\n   csee"), "pipeline:3:4: unknown pass 'csee'");
}

TEST_F(PipelineTest, SyntaxErrorsGiveTheColumn) {
  EXPECT_EQ(Parse("cse,"), "pipeline:1:5: expected a pass name, found end of pipeline");
  EXPECT_EQ(Parse(",cse"), "pipeline:1:1: expected a pass name, found ','");
  EXPECT_EQ(Parse("cse,,dce"), "pipeline:1:5: expected a pass name, found ','");
  EXPECT_EQ(Parse("cse dce"), "pipeline:1:5: expected ',' or end of pipeline, found 'd'");
  EXPECT_EQ(Parse("cse)"), "pipeline:1:4: expected ',' or end of pipeline, found ')'");
  EXPECT_EQ(Parse("cse(dce)"), "pipeline:1:4: only fixpoint takes a nested pipeline");
  EXPECT_EQ(Parse("fixpoint"), "pipeline:1:9: expected '(' after fixpoint, found end of pipeline");
  EXPECT_EQ(Parse("fixpoint cse"), "pipeline:1:10: expected '(' after fixpoint, found 'c'");
  EXPECT_EQ(Parse("fixpoint()"), "pipeline:1:10: expected a pass name, found ')'");
  EXPECT_EQ(Parse("fixpoint(cse"), "pipeline:1:13: expected ',' or ')', found end of pipeline");
  EXPECT_EQ(Parse("fixpoint(cse dce)"), "pipeline:1:14: expected ',' or ')', found 'd'");
}

TEST_F(PipelineTest, OptionErrorsGiveTheColumn) {
  EXPECT_EQ(Parse("quantize{bits}"), "pipeline:1:14: expected '=' after option 'bits', found '}'");
  EXPECT_EQ(Parse("quantize{bits=}"),
            "pipeline:1:15: expected a value for option 'bits', found '}'");
  EXPECT_EQ(Parse("quantize{=8}"), "pipeline:1:10: expected an option name, found '='");
  EXPECT_EQ(Parse("quantize{bits=8"),
            "pipeline:1:16: expected ',' or '}' in options, found end of pipeline");
  EXPECT_EQ(Parse("quantize{bits=8 scheme=x}"),
            "pipeline:1:17: expected ',' or '}' in options, found 's'");
  EXPECT_EQ(Parse("quantize{bits=8,bits=4}"), "pipeline:1:17: duplicate option 'bits'");
  EXPECT_EQ(Parse("quantize{calib=\"abc}"), "pipeline:1:16: unterminated string");
  EXPECT_EQ(Parse("quantize{calib=\"a\\nb\"}"),
            "pipeline:1:18: unknown escape in option value; use \\\" or \\\\");
}

TEST_F(PipelineTest, FixpointBound) {
  Expected<Pipeline> p = ParsePipeline("fixpoint{max=10}(cse)", registry_);
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(p->elements[0].max_iterations, 10);
  EXPECT_TRUE(p->elements[0].options.empty());
  EXPECT_EQ(Parse("fixpoint{max=0}(cse)"),
            "pipeline:1:14: fixpoint max must be an integer from 1 to 1000000, got '0'");
  EXPECT_EQ(Parse("fixpoint{max=many}(cse)"),
            "pipeline:1:14: fixpoint max must be an integer from 1 to 1000000, got 'many'");
  EXPECT_EQ(Parse("fixpoint{max=3,min=1}(cse)"), "pipeline:1:16: fixpoint has no option 'min'");
}

}  // namespace
}  // namespace kiln

namespace kiln {
namespace {

TEST_F(PipelineTest, NamedPipelinesExpandInPlace) {
  registry_.RegisterPipeline("tidy", "", "fixpoint(cse,dce)");
  registry_.RegisterPipeline("full", "", "quantize{bits=8},tidy");
  EXPECT_EQ(Parse("tidy"), "fixpoint(cse,dce)");
  EXPECT_EQ(Parse("fold-batchnorm, full ,dce"),
            "fold-batchnorm,quantize{bits=8},fixpoint(cse,dce),dce");
  EXPECT_EQ(Parse("fixpoint(tidy,cse)"), "fixpoint(fixpoint(cse,dce),cse)");
}

TEST_F(PipelineTest, NamedPipelineErrors) {
  registry_.RegisterPipeline("tidy", "", "fixpoint(cse,dce)");
  registry_.RegisterPipeline("broken", "", "cse,dcee");
  registry_.RegisterPipeline("loop", "", "cse,loop");
  EXPECT_EQ(Parse("tidy{x=1}"), "pipeline:1:1: pipeline 'tidy' takes no options");
  EXPECT_EQ(Parse("dce,broken"),
            "pipeline:1:5: in pipeline 'broken': pipeline:1:5: unknown pass 'dcee'");
  EXPECT_NE(Parse("loop").find("nests too deeply"), std::string::npos) << Parse("loop");
}

}  // namespace
}  // namespace kiln
