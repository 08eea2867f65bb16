// Checks an artifact's memory plan at load: two arena tensors that are live at the same time
// must not share bytes, except an in-place pair (same offset; the later tensor is written by the
// op where the earlier one's lifetime ends, and that op reads the earlier one). The compiler's
// planner (codegen/memory_planner.h) promises this; the loader does not take its word for it.
//
//   Status s = CheckArenaPlan(model, lifetimes, ArtifactMessages("m.kiln", &model));
//   // "'m.kiln': tensor 4 ('a') and tensor 6 ('b') share arena bytes [64, 128) while both are
//   //  live (op 3)"
#pragma once

#include "codegen/schema/kiln_artifact_generated.h"
#include "runtime/core/artifact_checks.h"
#include "runtime/core/artifact_messages.h"
#include "runtime/core/result.h"

namespace kiln::rt {

// A lifetime is [producer, last_use] (closed), from CheckOps. A sweep over time with the live
// slots ordered by offset: O(n log n) in the number of arena tensors.
Status CheckArenaPlan(const artifact::Model& model, const TensorLifetimes& lifetimes,
                      const ArtifactMessages& say);

}  // namespace kiln::rt
