#include "runtime/core/artifact_checks.h"

#include <algorithm>
#include <cinttypes>
#include <cstring>
#include <string>

#include "runtime/core/arena_plan_check.h"
#include "runtime/core/artifact_dtype.h"
#include "runtime/core/artifact_format.h"
#include "runtime/core/artifact_messages.h"
#include "runtime/core/op_checks.h"
#include "runtime/core/packed_constant.h"

namespace kiln::rt {
namespace {

using flatbuffers::uoffset_t;

// Limits a hostile file could otherwise push to absurd values.
constexpr int64_t kMaxRank = 8;
constexpr uint32_t kMaxArenaAlignment = 4096;

std::string Range(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

// The FlatBuffers 2.0.8 verifier aligns a vector's length field (4 bytes) but not its elements,
// so a hostile file can place a vector of 8-byte values at a 4-byte boundary; reading it is
// undefined behaviour. These are the schema's vectors of 8-byte scalars. An empty one has nothing
// to read (and FlatBufferBuilder does not align it).
template <typename T>
bool IsAligned(const flatbuffers::Vector<T>* vector) {
  return vector == nullptr || vector->size() == 0 ||
         reinterpret_cast<uintptr_t>(vector->data()) % sizeof(T) == 0;
}

Status CheckVectorAlignment(const artifact::Model& model, const ArtifactMessages& say) {
  auto misaligned = [&](const std::string& where, std::string_view field) {
    return say.Error("truncated or corrupt artifact (" + where + ": '" + std::string(field) +
                     "' is not 8-byte aligned)");
  };
  if (const auto* tensors = model.tensors()) {
    for (uoffset_t t = 0; t < tensors->size(); ++t) {
      const artifact::Tensor& tensor = *tensors->Get(t);
      if (!IsAligned(tensor.shape())) return misaligned(say.Tensor(t), "shape");
      if (tensor.quant() && !IsAligned(tensor.quant()->zero_points())) {
        return misaligned(say.Tensor(t), "zero_points");
      }
      const artifact::Packed* packed = tensor.packed();
      if (packed && packed->quant() && !IsAligned(packed->quant()->zero_points())) {
        return misaligned(say.Tensor(t), "packed zero_points");
      }
    }
  }
  if (const auto* ops = model.ops()) {
    for (uoffset_t i = 0; i < ops->size(); ++i) {
      const auto* attrs = ops->Get(i)->attrs();
      if (attrs == nullptr) continue;
      for (const artifact::Attr* attr : *attrs) {
        if (!IsAligned(attr->ints())) return misaligned(say.Op(i), "ints");
        if (!IsAligned(attr->floats())) return misaligned(say.Op(i), "floats");
      }
    }
  }
  return Status::Ok();
}

Status CheckRequiredFields(const artifact::Model& model, const ArtifactMessages& say) {
  auto missing = [&](std::string_view field) {
    return say.Error("required field '" + std::string(field) + "' is missing");
  };
  if (model.target() == nullptr || model.target()->size() == 0) return missing("target");
  if (model.tensors() == nullptr) return missing("tensors");
  if (model.inputs() == nullptr) return missing("inputs");
  if (model.outputs() == nullptr) return missing("outputs");
  if (model.ops() == nullptr) return missing("ops");
  return Status::Ok();
}

// Sorted by symbol, unique, non-empty, max >= 1 (so DimMax's binary search is sound).
Status CheckDimBounds(const artifact::Model& model, const ArtifactMessages& say) {
  const auto* dims = model.dims();
  if (dims == nullptr) return Status::Ok();
  for (uoffset_t i = 0; i < dims->size(); ++i) {
    const artifact::DimBound& bound = *dims->Get(i);
    std::string_view symbol = bound.symbol()->string_view();
    std::string label = "dim bound " + std::to_string(i) + " ('" + PrintableText(symbol) + "')";
    if (symbol.empty()) return say.Error(label + ": the symbol is empty");
    if (bound.max() < 1) {
      return say.Error(label + ": planned maximum " + std::to_string(bound.max()) +
                       " is less than 1");
    }
    if (i > 0) {
      std::string_view previous = dims->Get(i - 1)->symbol()->string_view();
      if (previous == symbol) return say.Error(label + ": the symbol is bounded twice");
      if (previous > symbol) return say.Error(label + ": dims are not sorted by symbol");
    }
  }
  return Status::Ok();
}

// Sorted by key, unique (readers look keys up by binary search).
Status CheckMetadata(const artifact::Model& model, const ArtifactMessages& say) {
  const auto* metadata = model.metadata();
  if (metadata == nullptr) return Status::Ok();
  for (uoffset_t i = 1; i < metadata->size(); ++i) {
    std::string_view previous = metadata->Get(i - 1)->key()->string_view();
    std::string_view key = metadata->Get(i)->key()->string_view();
    std::string label = "metadata key '" + PrintableText(key) + "'";
    if (previous == key) return say.Error(label + " appears twice");
    if (previous > key) {
      return say.Error(label + " comes after '" + PrintableText(previous) +
                       "' (metadata must be sorted by key)");
    }
  }
  return Status::Ok();
}

Status CheckConstantBlob(const artifact::Model& model, std::span<const uint8_t> buffer,
                         const ArtifactMessages& say) {
  const auto* constants = model.constants();
  if (constants == nullptr || constants->size() == 0) return Status::Ok();
  auto start = static_cast<uint64_t>(constants->data() - buffer.data());
  if (start % kArtifactAlignment != 0) {
    return say.Error("the constant blob starts at byte " + std::to_string(start) +
                     ", not a multiple of " + std::to_string(kArtifactAlignment));
  }
  return Status::Ok();
}

// Checks a tensor's shape and symbols, and computes its storage bytes with every symbolic dim at
// its planned maximum. The dtype is known (checked before).
Status CheckShape(const artifact::Model& model, const artifact::Tensor& tensor,
                  const std::string& where, const ArtifactMessages& say, uint64_t& max_bytes) {
  const auto* shape = tensor.shape();
  const auto* symbols = tensor.symbols();
  const int64_t rank = shape ? shape->size() : 0;
  const char* at = where.c_str();
  if (rank > kMaxRank) {
    return say.Errorf("%srank %" PRId64 " is more than %" PRId64, at, rank, kMaxRank);
  }
  const int64_t num_symbols = symbols ? symbols->size() : 0;
  if (num_symbols != 0 && num_symbols != rank) {
    return say.Errorf("%s%" PRId64 " symbols for rank %" PRId64 " (expected none or one per dim)",
                      at, num_symbols, rank);
  }
  // Overflow is judged on the product of the dims with zeros read as ones, so that no partial
  // product a kernel might form (a stride, a row size) overflows either.
  int64_t elements = 1, bound = 1;
  for (int64_t d = 0; d < rank; ++d) {
    const auto i = static_cast<uoffset_t>(d);
    const int64_t dim = shape->Get(i);
    std::string_view symbol = num_symbols ? symbols->Get(i)->string_view() : std::string_view();
    int64_t size = dim;
    if (dim < -1) {
      return say.Errorf("%sdim %" PRId64 " is %" PRId64
                        " (a dim is a size >= 0, or -1 for a symbolic dim)",
                        at, d, dim);
    } else if (dim == -1) {
      if (symbol.empty()) {
        return say.Errorf("%sdim %" PRId64 " is symbolic (-1) but has no symbol", at, d);
      }
      // kUnknownDimSymbol: a size the compiler could not name (a product like N*8); the kernel
      // that writes the tensor computes it, and the runtime checks the bytes against the slot.
      if (symbol == kUnknownDimSymbol) {
        if (tensor.storage() == artifact::Storage::Constant) {
          return say.Errorf("%sdim %" PRId64 " is unknown ('?'), which a constant cannot be", at,
                            d);
        }
        continue;
      }
      std::optional<int64_t> max = DimMax(model, symbol);
      if (!max) {
        return say.Errorf("%sdim %" PRId64
                          " is symbolic ('%s') but the model plans no maximum for it",
                          at, d, PrintableText(symbol).c_str());
      }
      size = *max;
    } else if (!symbol.empty()) {
      return say.Errorf("%sdim %" PRId64 " is static (%" PRId64 ") but names symbol '%s'", at, d,
                        dim, PrintableText(symbol).c_str());
    }
    if (__builtin_mul_overflow(bound, std::max<int64_t>(size, 1), &bound)) {
      return say.Errorf("%sthe shape is too large (its element count overflows)", at);
    }
    elements *= size;
  }
  int64_t bits = 0;
  if (__builtin_mul_overflow(elements, DTypeBits(ToDType(tensor.dtype())), &bits) ||
      bits > INT64_MAX - 7) {
    return say.Errorf("%sthe shape is too large (its byte size overflows)", at);
  }
  max_bytes = static_cast<uint64_t>(DTypeStorageBytes(ToDType(tensor.dtype()), elements));
  return Status::Ok();
}

bool HasSymbolicDim(const artifact::Tensor& tensor) {
  const auto* shape = tensor.shape();
  return shape && std::find(shape->begin(), shape->end(), int64_t{-1}) != shape->end();
}

Status CheckQuant(const artifact::Tensor& tensor, const std::string& where,
                  const ArtifactMessages& say) {
  const artifact::Quant* quant = tensor.quant();
  if (quant == nullptr) return Status::Ok();
  const int64_t rank = tensor.shape() ? tensor.shape()->size() : 0;
  const int64_t num_scales = quant->scales() ? quant->scales()->size() : 0;
  const int64_t num_zero_points = quant->zero_points() ? quant->zero_points()->size() : 0;
  const char* at = where.c_str();
  if (num_scales == 0) return say.Errorf("%squantization has no scales", at);
  if (num_zero_points != 0 && num_zero_points != num_scales) {
    return say.Errorf("%squantization has %" PRId64 " zero points for %" PRId64 " scales", at,
                      num_zero_points, num_scales);
  }
  if (quant->axis() < -1 || quant->axis() >= rank) {
    return say.Errorf("%squantization axis %d is outside rank %" PRId64, at, quant->axis(), rank);
  }
  if (quant->block_size() < 0 || (quant->block_size() > 0 && quant->axis() < 0)) {
    return say.Errorf("%squantization block size %d needs to be 0, or positive with an axis", at,
                      quant->block_size());
  }
  return Status::Ok();
}

Status CheckTensor(const artifact::Model& model, int index, const ArtifactMessages& say) {
  const artifact::Tensor& tensor = *model.tensors()->Get(static_cast<uoffset_t>(index));
  const std::string where = say.Tensor(index) + ": ";
  const char* at = where.c_str();
  if (!IsKnownDType(tensor.dtype())) {
    return say.Errorf("%sdtype %d is not a known dtype", at, static_cast<int>(tensor.dtype()));
  }
  if (flatbuffers::IsOutRange(tensor.storage(), artifact::Storage::MIN, artifact::Storage::MAX)) {
    return say.Errorf("%sstorage %d is not a known storage class", at,
                      static_cast<int>(tensor.storage()));
  }
  uint64_t max_bytes = 0;
  if (Status s = CheckShape(model, tensor, where, say, max_bytes); !s.ok()) return s;
  if (Status s = CheckQuant(tensor, where, say); !s.ok()) return s;
  // A packed constant's bytes hold its codes, not its f32 values (packed_constant.h).
  if (tensor.packed()) {
    if (const char* problem = PackedConstantProblem(tensor, max_bytes)) {
      return say.Errorf("%spacked constant: %s", at, problem);
    }
  }

  const uint64_t offset = tensor.offset(), bytes = tensor.bytes();
  uint64_t end = 0;
  const bool end_overflows = __builtin_add_overflow(offset, bytes, &end);
  if (tensor.storage() == artifact::Storage::Constant) {
    const uint64_t blob = model.constants() ? model.constants()->size() : 0;
    if (HasSymbolicDim(tensor)) return say.Errorf("%sa constant cannot have symbolic dims", at);
    if (offset % kArtifactAlignment != 0) {
      return say.Errorf("%sconstant offset %" PRIu64 " is not a multiple of %u", at, offset,
                        kArtifactAlignment);
    }
    if (bytes != max_bytes) {
      return say.Errorf("%sthe constant holds %" PRIu64
                        " bytes; its %sdtype and shape need %" PRIu64,
                        at, bytes, tensor.packed() ? "packed " : "", max_bytes);
    }
    if (end_overflows || end > blob) {
      return say.Error(where + "constant bytes " +
                       (end_overflows ? "start at " + std::to_string(offset) : Range(offset, end)) +
                       (model.constants()
                            ? " are outside the constant blob (" + std::to_string(blob) + " bytes)"
                            : " but the artifact has no constant blob"));
    }
  } else if (tensor.storage() == artifact::Storage::Arena) {
    const uint64_t alignment = model.arena_alignment();
    if (offset % alignment != 0) {
      return say.Errorf("%sarena offset %" PRIu64
                        " is not a multiple of the arena alignment (%" PRIu64 ")",
                        at, offset, alignment);
    }
    if (end_overflows || end > model.arena_bytes()) {
      return say.Error(where + "arena slot " +
                       (end_overflows ? "at " + std::to_string(offset) : Range(offset, end)) +
                       " is outside the arena (" + std::to_string(model.arena_bytes()) + " bytes)");
    }
    if (bytes < max_bytes) {
      return say.Errorf("%sarena slot holds %" PRIu64 " bytes; the tensor needs %" PRIu64
                        " at its planned maximum dims",
                        at, bytes, max_bytes);
    }
  }
  return Status::Ok();
}

// `inputs` lists exactly the Input tensors, each once; `outputs` lists Arena tensors, each once.
Status CheckSignature(const artifact::Model& model, const ArtifactMessages& say) {
  const auto& tensors = *model.tensors();
  const int64_t n = tensors.size();
  std::vector<uint8_t> listed(tensors.size(), 0);
  auto check_list = [&](const flatbuffers::Vector<int32_t>& list, std::string_view what,
                        artifact::Storage storage) -> Status {
    for (uoffset_t i = 0; i < list.size(); ++i) {
      const int64_t t = list.Get(i);
      std::string where = std::string(what) + " " + std::to_string(i) + ": ";
      if (t < 0 || t >= n) {
        return say.Error(where + "tensor " + std::to_string(t) + " is out of range (" +
                         std::to_string(n) + " tensors)");
      }
      const artifact::Storage actual = tensors.Get(static_cast<uoffset_t>(t))->storage();
      if (actual != storage) {
        return say.Error(where + say.Tensor(t) + " has storage " +
                         std::string(StorageName(actual)) + ", expected " +
                         std::string(StorageName(storage)));
      }
      if (listed[t]) return say.Error(where + say.Tensor(t) + " is listed twice");
      listed[t] = 1;
    }
    return Status::Ok();
  };
  if (Status s = check_list(*model.inputs(), "input", artifact::Storage::Input); !s.ok()) return s;
  for (int64_t t = 0; t < n; ++t) {
    if (tensors.Get(static_cast<uoffset_t>(t))->storage() == artifact::Storage::Input &&
        !listed[t]) {
      return say.Error(say.Tensor(t) + ": an input tensor that is not among the model's inputs");
    }
  }
  std::fill(listed.begin(), listed.end(), 0);
  return check_list(*model.outputs(), "output", artifact::Storage::Arena);
}

}  // namespace

std::optional<int64_t> DimMax(const artifact::Model& model, std::string_view symbol) {
  const auto* dims = model.dims();
  if (dims == nullptr) return std::nullopt;
  auto it = std::lower_bound(dims->begin(), dims->end(), symbol,
                             [](const artifact::DimBound* bound, std::string_view key) {
                               return bound->symbol()->string_view() < key;
                             });
  if (it == dims->end() || (*it)->symbol()->string_view() != symbol) return std::nullopt;
  return (*it)->max();
}

Result<const artifact::Model*> CheckArtifactHeader(std::span<const uint8_t> buffer,
                                                   std::string_view name,
                                                   std::string_view expected_target) {
  ArtifactMessages say(name, nullptr);
  constexpr size_t kHeaderBytes = 8;  // root offset, then the 4-byte file identifier
  if (buffer.size() < kHeaderBytes) {
    return say.Error("not a Kiln artifact (" + std::to_string(buffer.size()) +
                     " bytes, shorter than the 8-byte header)");
  }
  std::string_view identifier(reinterpret_cast<const char*>(buffer.data()) + 4, 4);
  if (identifier != std::string_view(kArtifactIdentifier)) {
    return say.Error("not a Kiln artifact (file identifier is '" + PrintableText(identifier) +
                     "', expected '" + kArtifactIdentifier + "')");
  }
  if (buffer.size() >= FLATBUFFERS_MAX_BUFFER_SIZE) {
    return say.Error("artifact is too large (" + std::to_string(buffer.size()) +
                     " bytes; the format's limit is 2 GiB)");
  }
  // FlatBuffers pads a finished buffer to its largest alignment, at least 4 (the root offset).
  // This is what catches a file cut inside the padding after the first object the writer built,
  // which the verifier cannot see: nothing refers to those bytes.
  if (buffer.size() % sizeof(flatbuffers::uoffset_t) != 0) {
    return say.Error("truncated or corrupt artifact (" + std::to_string(buffer.size()) +
                     " bytes, not a multiple of 4)");
  }
  if (reinterpret_cast<uintptr_t>(buffer.data()) % kArtifactAlignment != 0) {
    return say.Error("internal error: the artifact's bytes are not 64-byte aligned in memory");
  }
  flatbuffers::Verifier::Options options;
  options.max_depth = 64;
  options.max_tables = 1000000;
  options.check_alignment = true;
  flatbuffers::Verifier verifier(buffer.data(), buffer.size(), options);
  if (!artifact::VerifyModelBuffer(verifier)) {
    return say.Error("truncated or corrupt artifact (FlatBuffers verification failed)");
  }
  const artifact::Model* model = artifact::GetModel(buffer.data());
  if (Status s = CheckVectorAlignment(*model, ArtifactMessages(name, model)); !s.ok()) return s;
  if (model->format_version() != kArtifactFormatVersion) {
    return say.Error("format version " + std::to_string(model->format_version()) +
                     "; this runtime reads version " + std::to_string(kArtifactFormatVersion) +
                     " (recompile the model with this kiln)");
  }
  std::string_view target = model->target() ? model->target()->string_view() : "";
  if (!expected_target.empty() && target != expected_target) {
    return say.Error("compiled for target '" + PrintableText(target) + "'; this is the '" +
                     std::string(expected_target) + "' runtime");
  }
  return model;
}

Status CheckArtifactModel(const artifact::Model& model, std::span<const uint8_t> buffer,
                          std::string_view name, TensorLifetimes& lifetimes) {
  ArtifactMessages say(name, &model);
  if (Status s = CheckRequiredFields(model, say); !s.ok()) return s;
  if (Status s = CheckDimBounds(model, say); !s.ok()) return s;
  if (Status s = CheckMetadata(model, say); !s.ok()) return s;
  if (Status s = CheckConstantBlob(model, buffer, say); !s.ok()) return s;
  const uint32_t alignment = model.arena_alignment();
  if (alignment == 0 || alignment > kMaxArenaAlignment || (alignment & (alignment - 1)) != 0) {
    return say.Error("arena alignment " + std::to_string(alignment) +
                     " is not a power of two in [1, " + std::to_string(kMaxArenaAlignment) + "]");
  }
  const auto num_tensors = static_cast<int>(model.tensors()->size());
  for (int t = 0; t < num_tensors; ++t) {
    if (Status s = CheckTensor(model, t, say); !s.ok()) return s;
  }
  if (Status s = CheckSignature(model, say); !s.ok()) return s;
  if (Status s = CheckOps(model, say, lifetimes); !s.ok()) return s;
  return CheckArenaPlan(model, lifetimes, say);
}

}  // namespace kiln::rt
