// The passes a pipeline can name: each with a description for `--help` and a factory that
// turns its pipeline options into a pass (or an error naming the pass and the bad option).
//
// Registration is explicit (RegisterAllPasses in passes/register_all.h), never a static
// initializer, so every pass can be found from one function.
//
//   PassRegistry registry;
//   registry.Register("dce", "Remove unused ops and constants", OptionlessFactory<DcePass>());
//   Expected<std::unique_ptr<Pass>> pass = registry.Create("dce", PassOptions());
//   registry.RegisterPipeline("tidy", "Remove dead code", "fixpoint(cse,dce)");
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ir/status.h"
#include "passes/pass.h"
#include "passes/pass_options.h"

namespace kiln {

using PassFactory = std::function<Expected<std::unique_ptr<Pass>>(const PassOptions&)>;

class PassRegistry {
 public:
  // `name` must be new, must not be "fixpoint" (a pipeline keyword), and must equal the
  // name() of the passes the factory makes; breaking these is a programming error (assert).
  void Register(std::string name, std::string description, PassFactory factory);

  bool Contains(std::string_view name) const { return entries_.count(name) != 0; }
  // Errors: `unknown pass 'x'`, or whatever the factory says about the options.
  Expected<std::unique_ptr<Pass>> Create(std::string_view name, const PassOptions& options) const;
  // (name, description), sorted by name.
  std::vector<std::pair<std::string, std::string>> List() const;

  // A named pipeline ("cleanup", "optimize"): a pipeline text that stands for its passes
  // wherever the name appears in another pipeline. Names are shared with passes (assert).
  void RegisterPipeline(std::string name, std::string description, std::string text);
  // The text of a named pipeline, or null.
  const std::string* FindPipeline(std::string_view name) const;
  // (name, description), sorted by name.
  std::vector<std::pair<std::string, std::string>> ListPipelines() const;

 private:
  struct Entry {
    std::string description;
    PassFactory factory;
  };
  struct NamedPipeline {
    std::string description;
    std::string text;
  };
  std::map<std::string, Entry, std::less<>> entries_;
  std::map<std::string, NamedPipeline, std::less<>> pipelines_;
};

// A factory for a pass without options: any option is an error.
template <class P>
PassFactory OptionlessFactory() {
  return [](const PassOptions& options) -> Expected<std::unique_ptr<Pass>> {
    auto pass = std::make_unique<P>();
    if (Status s = options.CheckKnown(pass->name(), {}); !s.ok()) return s;
    return std::unique_ptr<Pass>(std::move(pass));
  };
}

}  // namespace kiln
