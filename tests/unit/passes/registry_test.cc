#include "passes/registry.h"

#include <gtest/gtest.h>

#include "passes/cleanup/register.h"
#include "passes/register_all.h"

namespace kiln {
namespace {

class NamedPass : public Pass {
 public:
  explicit NamedPass(int level = 0) : level_(level) {}
  std::string_view name() const override { return "named"; }
  PassResult run(ir::Graph&, PassContext&) override { return PassResult::Unchanged(); }
  int level() const { return level_; }

 private:
  int level_;
};

class OtherPass : public Pass {
 public:
  std::string_view name() const override { return "other"; }
  PassResult run(ir::Graph&, PassContext&) override { return PassResult::Unchanged(); }
};

PassFactory NamedFactory() {
  return [](const PassOptions& options) -> Expected<std::unique_ptr<Pass>> {
    if (Status s = options.CheckKnown("named", {"level"}); !s.ok()) return s;
    Expected<int64_t> level = options.GetInt("named", "level", 1);
    if (!level) return level.error();
    return std::unique_ptr<Pass>(std::make_unique<NamedPass>(static_cast<int>(*level)));
  };
}

TEST(PassRegistryTest, ListIsSortedByName) {
  PassRegistry registry;
  registry.Register("other", "The other one", OptionlessFactory<OtherPass>());
  registry.Register("named", "The named one", NamedFactory());
  auto list = registry.List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], std::make_pair(std::string("named"), std::string("The named one")));
  EXPECT_EQ(list[1], std::make_pair(std::string("other"), std::string("The other one")));
  EXPECT_TRUE(registry.Contains("named"));
  EXPECT_FALSE(registry.Contains("nam"));
}

TEST(PassRegistryTest, CreatePassesOptionsToTheFactory) {
  PassRegistry registry;
  registry.Register("named", "", NamedFactory());
  PassOptions options;
  options.Set("level", "3");
  Expected<std::unique_ptr<Pass>> pass = registry.Create("named", options);
  ASSERT_TRUE(pass.ok()) << pass.error().message();
  EXPECT_EQ((*pass)->name(), "named");
  EXPECT_EQ(static_cast<NamedPass&>(**pass).level(), 3);
}

TEST(PassRegistryTest, UnknownPassIsAnError) {
  PassRegistry registry;
  Expected<std::unique_ptr<Pass>> pass = registry.Create("csee", PassOptions());
  ASSERT_FALSE(pass.ok());
  EXPECT_EQ(pass.error().message(), "unknown pass 'csee'");
}

TEST(PassRegistryTest, UnknownOptionNamesPassAndOption) {
  PassRegistry registry;
  registry.Register("named", "", NamedFactory());
  registry.Register("other", "", OptionlessFactory<OtherPass>());
  PassOptions options;
  options.Set("levle", "3");
  Expected<std::unique_ptr<Pass>> named = registry.Create("named", options);
  ASSERT_FALSE(named.ok());
  EXPECT_EQ(named.error().message(), "pass 'named' has no option 'levle'");
  Expected<std::unique_ptr<Pass>> other = registry.Create("other", options);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().message(), "pass 'other' has no option 'levle'");
}

TEST(PassRegistryTest, BadOptionValueIsAnError) {
  PassRegistry registry;
  registry.Register("named", "", NamedFactory());
  PassOptions options;
  options.Set("level", "three");
  Expected<std::unique_ptr<Pass>> pass = registry.Create("named", options);
  ASSERT_FALSE(pass.ok());
  EXPECT_EQ(pass.error().message(), "pass 'named': option 'level' expects an integer, got 'three'");
}

TEST(PassRegistryTest, DuplicateRegistrationIsAProgrammingError) {
  PassRegistry registry;
  registry.Register("other", "", OptionlessFactory<OtherPass>());
  EXPECT_DEBUG_DEATH(registry.Register("other", "", OptionlessFactory<OtherPass>()),
                     "registered twice");
}

TEST(PassRegistryTest, RegisterAllPassesIncludesCleanup) {
  PassRegistry all;
  RegisterAllPasses(all);
  PassRegistry cleanup;
  RegisterCleanupPasses(cleanup);
  for (const auto& [name, description] : cleanup.List()) {
    EXPECT_TRUE(all.Contains(name)) << name;
    EXPECT_FALSE(description.empty()) << name;
  }
  EXPECT_TRUE(all.Contains("cse"));
  EXPECT_TRUE(all.Contains("dce"));
}

TEST(PassOptionsTest, TypedGetters) {
  PassOptions options;
  EXPECT_TRUE(options.Set("bits", "8"));
  EXPECT_FALSE(options.Set("bits", "4"));
  EXPECT_TRUE(options.Set("fast", "on"));
  EXPECT_EQ(*options.GetInt("p", "bits", 0), 8);
  EXPECT_EQ(*options.GetInt("p", "missing", 7), 7);
  EXPECT_TRUE(*options.GetBool("p", "fast", false));
  EXPECT_EQ(options.GetString("bits", ""), "8");
  EXPECT_EQ(options.GetBool("p", "bits", false).error().message(),
            "pass 'p': option 'bits' expects true or false, got '8'");
  EXPECT_EQ(options.ToString(), "{bits=8,fast=on}");
  EXPECT_EQ(PassOptions().ToString(), "");
}

}  // namespace
}  // namespace kiln
