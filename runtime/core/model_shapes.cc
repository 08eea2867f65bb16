#include "runtime/core/model_shapes.h"

namespace kiln::rt {
namespace {

TensorSpec SpecOf(const artifact::Model& model, int index) {
  const artifact::Tensor& t = *model.tensors()->Get(static_cast<flatbuffers::uoffset_t>(index));
  TensorSpec spec;
  spec.name = t.name() != nullptr ? t.name()->str() : "";
  spec.dtype = static_cast<DType>(t.dtype());
  spec.dims.assign(t.shape()->begin(), t.shape()->end());
  if (t.symbols() != nullptr) {
    for (const flatbuffers::String* s : *t.symbols()) spec.symbols.push_back(s->str());
  }
  return spec;
}

}  // namespace

std::vector<TensorSpec> InputSpecs(const artifact::Model& model) {
  std::vector<TensorSpec> specs;
  for (int index : *model.inputs()) specs.push_back(SpecOf(model, index));
  return specs;
}

std::vector<TensorSpec> OutputSpecs(const artifact::Model& model) {
  std::vector<TensorSpec> specs;
  for (int index : *model.outputs()) specs.push_back(SpecOf(model, index));
  return specs;
}

Result<SymbolValues> BindSymbols(std::string_view file, std::span<const TensorSpec> specs,
                                 std::span<const std::span<const int64_t>> input_dims) {
  SymbolValues symbols;
  for (size_t i = 0; i < specs.size(); ++i) {
    const TensorSpec& spec = specs[i];
    for (size_t d = 0; d < spec.symbols.size(); ++d) {
      if (spec.dims[d] >= 0) continue;
      const int64_t value = input_dims[i][d];
      auto [it, inserted] = symbols.emplace(spec.symbols[d], value);
      if (!inserted && it->second != value) {
        return Status::Error(std::string(file) + "input '" + spec.name + "': dim '" +
                             spec.symbols[d] + "' is " + std::to_string(value) + " here but " +
                             std::to_string(it->second) + " in another input");
      }
    }
  }
  return symbols;
}

std::vector<int64_t> TensorDims(const artifact::Tensor& tensor, const SymbolValues& symbols) {
  std::vector<int64_t> dims;
  for (size_t d = 0; d < tensor.shape()->size(); ++d) {
    const auto i = static_cast<flatbuffers::uoffset_t>(d);
    int64_t dim = tensor.shape()->Get(i);
    if (dim < 0) {
      const flatbuffers::String* name =
          tensor.symbols() != nullptr ? tensor.symbols()->Get(i) : nullptr;
      auto it = name != nullptr ? symbols.find(name->string_view()) : symbols.end();
      dim = it != symbols.end() ? it->second : -1;
    }
    dims.push_back(dim);
  }
  return dims;
}

ArenaLayout LayoutArena(const artifact::Model& model, const SymbolValues& symbols,
                        std::span<const size_t> bytes) {
  ArenaLayout layout;
  if (model.dims() != nullptr) {
    for (const artifact::DimBound* bound : *model.dims()) {
      auto it = symbols.find(bound->symbol()->string_view());
      if (it != symbols.end() && it->second > bound->max()) layout.planned = false;
    }
  }
  const auto& tensors = *model.tensors();
  for (flatbuffers::uoffset_t t = 0; t < tensors.size() && layout.planned; ++t) {
    layout.planned = tensors.Get(t)->storage() != artifact::Storage::Arena ||
                     bytes[t] <= tensors.Get(t)->bytes();
  }
  layout.offsets.assign(tensors.size(), 0);
  layout.bytes = layout.planned ? model.arena_bytes() : 0;
  for (flatbuffers::uoffset_t t = 0; t < tensors.size(); ++t) {
    if (tensors.Get(t)->storage() != artifact::Storage::Arena) continue;
    if (layout.planned) {
      layout.offsets[t] = tensors.Get(t)->offset();
    } else {
      layout.offsets[t] = layout.bytes;
      layout.bytes += (bytes[t] + 63) / 64 * 64;
    }
  }
  return layout;
}

}  // namespace kiln::rt
