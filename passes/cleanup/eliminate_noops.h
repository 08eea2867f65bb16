// No-op elimination (`eliminate-noops`): ops that hand their operand on unchanged go, and
// their users read the operand instead. Exporters leave many of them: torch puts an identity
// in front of every shared weight, inference graphs keep their dropouts, and shape code casts
// i64 to i64 or reshapes to the shape a tensor already has.
//
// Removed: identity; dropout whose training_mode is absent or a constant 0 and whose mask is
// unused; cast to the operand's own type; reshape/expand whose result type is the operand's
// and whose shape is certain (ranked, no `?` dim); transpose with the identity perm;
// squeeze(unsqueeze(x, a), a) and unsqueeze(squeeze(x, a), a); pad by a constant of zeros
// (any mode); concat of one operand; slice from 0 to the end with step 1 on every axis it
// names. Merged in place: transpose(transpose(x)) becomes one transpose of x (removed when
// the perms cancel), reshape(reshape(x), t) becomes reshape(x, t) when t is a constant
// without 0. An op is removed only when its result has the operand's scalar type and
// quantization (cast, reshape and expand: the very same type). Inner ops that lose their
// last user stay for `dce`. Regions are simplified too.
// Statistics: <kind>-removed (identity-removed, dropout-removed, ...), transposes-merged,
// reshapes-merged.
//
//   EliminateNoOpsPass noops;
//   PassResult r = noops.run(graph, ctx);   // relu(identity(x)) => relu(x)
#pragma once

#include "passes/pass.h"

namespace kiln {

class EliminateNoOpsPass : public Pass {
 public:
  std::string_view name() const override { return "eliminate-noops"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
