// Pass pipelines as data: the text `cleanup,quantize{scheme=per-axis,bits=8},fixpoint(cse,dce)`
// parsed into a tree that prints back canonically.
//
// Grammar (whitespace allowed between tokens):
//   pipeline := [element (',' element)*]
//   element  := name [options]                      a registered pass
//             | name                                a registered pipeline, expanded in place
//             | 'fixpoint' ['{max=N}'] '(' element (',' element)* ')'
//   options  := '{' [key '=' value (',' key '=' value)*] '}'
//   name, key := [A-Za-z0-9_.-]+     value := bare (see IsBareOptionChar) | "quoted"
// A fixpoint runs its children again while any of them changed the graph, at most N times
// (default 32). Errors name the position: `pipeline:1:12: unknown pass 'csee'`.
//
//   Expected<Pipeline> p = ParsePipeline("fixpoint{max=4}( cse , dce )", registry);
//   p->ToString() == "fixpoint{max=4}(cse,dce)"
//   p->elements[0].children[1].name == "dce"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ir/status.h"
#include "passes/pass_options.h"
#include "passes/registry.h"

namespace kiln {

inline constexpr int kDefaultFixpointMaxIterations = 32;

struct PipelineElement {
  enum class Kind { kPass, kFixpoint };

  Kind kind = Kind::kPass;
  std::string name;                                    // the pass name; "fixpoint" for a fixpoint
  PassOptions options;                                 // a pass's options
  int max_iterations = kDefaultFixpointMaxIterations;  // fixpoint only
  std::vector<PipelineElement> children;               // fixpoint only
  int line = 1;  // where the element's name starts in the text (1-based)
  int column = 1;

  bool is_fixpoint() const { return kind == Kind::kFixpoint; }
  // Canonical text: no spaces, options sorted, default max omitted.
  std::string ToString() const;
};

struct Pipeline {
  std::vector<PipelineElement> elements;

  std::string ToString() const;
};

// Checks syntax and that every pass name is registered; option values are checked when the
// passes are created (PassRegistry::Create).
Expected<Pipeline> ParsePipeline(std::string_view text, const PassRegistry& registry);

// `pipeline:1:12: ` for an error at that position.
std::string PipelineLocation(int line, int column);

}  // namespace kiln
