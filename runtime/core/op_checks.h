// The loader's checks of the op list, run after the tensors and the signature passed: kernel
// keys, operand indices, that every arena tensor has exactly one writer and is written before it
// is read, and that attributes are sorted, unique and well formed. Computes each tensor's
// lifetime on the way, for the memory plan check (arena_plan_check.h).
//
//   TensorLifetimes lifetimes;
//   Status s = CheckOps(model, ArtifactMessages("m.kiln", &model), lifetimes);
//   // "'m.kiln': op 3 ('Conv_3', conv): input tensor 57 is out of range (45 tensors)"
#pragma once

#include "codegen/schema/kiln_artifact_generated.h"
#include "runtime/core/artifact_checks.h"
#include "runtime/core/artifact_messages.h"
#include "runtime/core/result.h"

namespace kiln::rt {

// `model` has passed the tensor and signature checks of CheckArtifactModel.
Status CheckOps(const artifact::Model& model, const ArtifactMessages& say,
                TensorLifetimes& lifetimes);

}  // namespace kiln::rt
