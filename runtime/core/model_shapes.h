// What every runtime does with an artifact's signature before it runs: the inputs' and outputs'
// specs, the symbolic dims the given inputs bind, each tensor's dims under that binding, and
// where the arena tensors go (the planned offsets when every tensor fits its planned slot,
// else one slot each, so any batch runs).
//
//   std::vector<TensorSpec> in = InputSpecs(model);
//   Result<SymbolValues> symbols = BindSymbols(file, in, input_dims);
//   Dims d = TensorDims(*model.tensors()->Get(t), *symbols);    // -1: computed by the producer
//   ArenaLayout arena = LayoutArena(model, *symbols, bytes);   // bytes[t]: this run's size
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "codegen/schema/kiln_artifact_generated.h"
#include "runtime/core/result.h"
#include "runtime/core/tensor_spec.h"

namespace kiln::rt {

std::vector<TensorSpec> InputSpecs(const artifact::Model& model);
std::vector<TensorSpec> OutputSpecs(const artifact::Model& model);

using SymbolValues = std::map<std::string, int64_t, std::less<>>;

// The values of the symbolic dims of `specs` given the inputs' dims (already checked against
// the specs); an error "<file>input 'x': dim 'N' is 3 here but 2 in another input".
Result<SymbolValues> BindSymbols(std::string_view file, std::span<const TensorSpec> specs,
                                 std::span<const std::span<const int64_t>> input_dims);

// The tensor's dims with its symbols bound; -1 for a dim no input binds ("?", computed by the
// kernel that writes the tensor).
std::vector<int64_t> TensorDims(const artifact::Tensor& tensor, const SymbolValues& symbols);

struct ArenaLayout {
  std::vector<size_t> offsets;  // per tensor; 0 for tensors not in the arena
  size_t bytes = 0;
  bool planned = true;  // the artifact's plan, or one slot each (64-byte aligned)
};

// `bytes[t]`: what arena tensor t needs for this preparation. The plan holds when no symbol is
// beyond its planned maximum and every tensor fits its planned slot.
ArenaLayout LayoutArena(const artifact::Model& model, const SymbolValues& symbols,
                        std::span<const size_t> bytes);

}  // namespace kiln::rt
