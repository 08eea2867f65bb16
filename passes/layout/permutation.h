// Permutations of tensor dims, spelled as transpose perms (result dim i is operand dim
// perm[i]), for the layout passes: reading a transpose's perm, composing and inverting perms,
// permuting a shape, and repacking a constant's bytes.
//
//   std::optional<Perm> p = TransposePerm(*t);                   // [0,2,3,1]
//   Perm q = ComposePerms(*p, InversePerm(*p));                    // [0,1,2,3]
//   auto bytes = PermutedConstantData(*weight, {0, 2, 3, 1});      // OIHW -> OHWI
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "ir/op.h"
#include "ir/shape.h"
#include "ir/tensor_data.h"
#include "ir/value.h"

namespace kiln {

using Perm = std::vector<int64_t>;

// NCHW -> NHWC and back, as transpose perms.
inline const Perm kNchwToNhwc = {0, 2, 3, 1};
inline const Perm kNhwcToNchw = {0, 3, 1, 2};

// The perm of a transpose (absent: its operand's dims reversed); nullopt when the rank is
// unknown or the attribute is not a permutation of it.
std::optional<Perm> TransposePerm(const ir::Op& transpose);
// transpose(transpose(x, inner), outer) is transpose(x, ComposePerms(inner, outer)).
Perm ComposePerms(const Perm& inner, const Perm& outer);
Perm InversePerm(const Perm& perm);
bool IsIdentityPerm(const Perm& perm);
// The shape of transpose(x, perm) for x of `shape` (ranked, of the perm's rank).
ir::Shape PermuteShape(const ir::Shape& shape, const Perm& perm);

// The bytes of constant `value`, read as row-major `sizes` (its own static sizes, or those
// with ones added: the same element count), transposed by `perm` (of the rank of `sizes`).
// i4/u4 codes stay packed two per byte. nullopt for an elided constant or sizes that do not
// fit.
std::optional<std::shared_ptr<const ir::TensorData>> PermutedConstantData(
    const ir::Value& value, const std::vector<int64_t>& sizes, const Perm& perm);
// The same with the constant's own sizes (a static shape).
std::optional<std::shared_ptr<const ir::TensorData>> PermutedConstantData(const ir::Value& value,
                                                                          const Perm& perm);

}  // namespace kiln
