#include "tools/kiln/artifact_summary.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <string_view>

#include "runtime/core/artifact_dtype.h"
#include "runtime/core/artifact_format.h"
#include "runtime/core/artifact_messages.h"

namespace kiln::cli {
namespace {

using flatbuffers::uoffset_t;

std::string WithSeparators(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "1,234,567 bytes (1.2 MiB)"; small sizes without the parenthesis.
std::string Bytes(uint64_t bytes) {
  std::string out = WithSeparators(bytes) + " bytes";
  if (bytes >= 1024 * 1024) return out + fmt::format(" ({:.1f} MiB)", bytes / (1024.0 * 1024.0));
  if (bytes >= 1024) return out + fmt::format(" ({:.1f} KiB)", bytes / 1024.0);
  return out;
}

std::string Text(const flatbuffers::String* s) { return rt::PrintableText(s); }

// "  x: f32[N,3,224,224]  (N <= 8)" for each tensor of a signature list.
std::string SignatureLines(const rt::Artifact& artifact, const flatbuffers::Vector<int32_t>& list) {
  const artifact::Model& model = artifact.model();
  std::string out;
  for (int32_t index : list) {
    const artifact::Tensor& tensor = *model.tensors()->Get(static_cast<uoffset_t>(index));
    out += fmt::format("  {}: {}", Text(tensor.name()), rt::TensorTypeText(tensor));
    std::set<std::string_view> symbols;
    if (tensor.symbols()) {
      for (const flatbuffers::String* s : *tensor.symbols()) {
        // "?" (kUnknownDimSymbol) names no bound: a size known only at run time.
        if (s->size() > 0 && s->string_view() != rt::kUnknownDimSymbol) {
          symbols.insert(s->string_view());
        }
      }
    }
    std::string bounds;
    for (std::string_view symbol : symbols) {
      if (!bounds.empty()) bounds += ", ";
      bounds +=
          fmt::format("{} <= {}", rt::PrintableText(symbol), artifact.DimMax(symbol).value_or(0));
    }
    if (!bounds.empty()) out += "  (" + bounds + ")";
    out += "\n";
  }
  return out;
}

// "i4 per_block axis=1 block_size=32", "u8 per_tensor with zero points": how a packed
// constant's bytes encode it.
std::string PackedEncoding(const artifact::Packed& packed) {
  const artifact::Quant& quant = *packed.quant();
  std::string out(rt::DTypeName(rt::ToDType(packed.dtype())));
  if (quant.axis() < 0) {
    out += " per_tensor";
  } else if (quant.block_size() == 0) {
    out += fmt::format(" per_axis axis={}", quant.axis());
  } else {
    out += fmt::format(" per_block axis={} block_size={}", quant.axis(), quant.block_size());
  }
  if (quant.zero_points() && quant.zero_points()->size() > 0) out += " with zero points";
  return out;
}

// "  w: f32[64,64] packed as i4 per_block axis=1 block_size=32, 2,048 bytes" for each packed
// constant (docs/artifact.md, "Packed constants").
std::string PackedLines(const artifact::Model& model) {
  std::string out;
  for (const artifact::Tensor* tensor : *model.tensors()) {
    if (!tensor->packed()) continue;
    out += fmt::format("  {}: {} packed as {}, {} bytes\n", Text(tensor->name()),
                       rt::TensorTypeText(*tensor), PackedEncoding(*tensor->packed()),
                       WithSeparators(tensor->bytes()));
  }
  return out;
}

}  // namespace

std::string SummarizeArtifact(const rt::Artifact& artifact) {
  const artifact::Model& model = artifact.model();
  std::string out =
      fmt::format("artifact '{}': {}\n", artifact.name(), Bytes(artifact.file_size()));
  out += fmt::format("checksum: {} ({:016x})\n",
                     artifact.checksum_verified() ? "ok" : "not verified", artifact.checksum());
  out +=
      fmt::format("format version {}, target {}\n", model.format_version(), Text(model.target()));
  out += fmt::format("compiler: {}\n", Text(model.compiler_version()));
  out += fmt::format("source: {}\n", Text(model.source_hash()));
  out += fmt::format("graph @{}\n", Text(model.graph_name()));
  out += "inputs:\n" + SignatureLines(artifact, *model.inputs());
  out += "outputs:\n" + SignatureLines(artifact, *model.outputs());

  std::map<std::string, uint64_t> op_counts;
  for (const artifact::Op* op : *model.ops()) ++op_counts[Text(op->kernel())];
  out += fmt::format("ops: {}\n", WithSeparators(model.ops()->size()));
  for (const auto& [kernel, count] : op_counts) {
    out += fmt::format("  {:<24}{:>8}\n", kernel, WithSeparators(count));
  }

  std::map<artifact::Storage, uint64_t> by_storage;
  for (const artifact::Tensor* tensor : *model.tensors()) ++by_storage[tensor->storage()];
  out += fmt::format("tensors: {} ({} input, {} arena, {} constant)\n",
                     WithSeparators(model.tensors()->size()), by_storage[artifact::Storage::Input],
                     by_storage[artifact::Storage::Arena], by_storage[artifact::Storage::Constant]);
  out +=
      fmt::format("arena: {}, alignment {}\n", Bytes(model.arena_bytes()), model.arena_alignment());
  out += fmt::format("constants: {}\n", Bytes(model.constants() ? model.constants()->size() : 0));
  if (std::string packed = PackedLines(model); !packed.empty()) {
    out += "packed constants (decoded to f32 when loaded):\n" + packed;
  }
  if (model.metadata() && model.metadata()->size() > 0) {
    out += "metadata:\n";
    for (const artifact::KeyValue* kv : *model.metadata()) {
      out += fmt::format("  {} = {}\n", Text(kv->key()), Text(kv->value()));
    }
  }
  return out;
}

}  // namespace kiln::cli
