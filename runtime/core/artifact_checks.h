// The checks the artifact loader runs before anything reads an artifact: an artifact is untrusted
// input, so after these pass every index, offset and size reachable from the Model is in range
// and the memory plan is sound. docs/artifact.md ("What readers check") lists them in order.
//
//   Result<const artifact::Model*> model = CheckArtifactHeader(bytes, "m.kiln", "cloud");
//   TensorLifetimes lifetimes;
//   Status s = model.ok() ? CheckArtifactModel(**model, bytes, "m.kiln", lifetimes) :
//   model.status();
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "codegen/schema/kiln_artifact_generated.h"
#include "runtime/core/result.h"

namespace kiln::rt {

// When each tensor is live, in op indices; one entry per tensor.
struct TensorLifetimes {
  // The op that writes the tensor; -1 for inputs and constants.
  std::vector<int> producer;
  // The last op that reads it; num_ops for model outputs; an arena tensor no op reads ends where
  // it is written; -1 for an input or constant no op reads.
  std::vector<int> last_use;
};

// Size and file identifier, the FlatBuffers verifier, the format version and the target
// (`expected_target` empty accepts any). `buffer` must start at a 64-byte aligned address, as a
// mapped file or Artifact's own copy does. Messages start with the quoted `name`.
Result<const artifact::Model*> CheckArtifactHeader(std::span<const uint8_t> buffer,
                                                   std::string_view name,
                                                   std::string_view expected_target);

// Everything after the header, on a model that passed CheckArtifactHeader on `buffer`: required
// fields, dim bounds, tensors, the input and output lists, ops and attributes (op_checks.h), and
// the memory plan (arena_plan_check.h). Fills `lifetimes`.
Status CheckArtifactModel(const artifact::Model& model, std::span<const uint8_t> buffer,
                          std::string_view name, TensorLifetimes& lifetimes);

// The planned maximum of a symbolic dim, from the model's `dims` (sorted by symbol); nullopt
// when the symbol has none.
std::optional<int64_t> DimMax(const artifact::Model& model, std::string_view symbol);

}  // namespace kiln::rt
