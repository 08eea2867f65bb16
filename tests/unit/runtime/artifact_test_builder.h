// Test-only: builds `.kiln` artifacts with flatbuffers::FlatBufferBuilder from a plain
// description, so loader tests can write valid models and break them one field at a time. It
// writes fields in the order given (no sorting, no checks) and never depends on codegen/.
// BuildArtifact ends the file with a valid checksum trailer, so a broken field reaches the check
// it is meant for; to break the FlatBuffer's bytes themselves, edit BuildFlatBuffer's output and
// Seal it.
//
//   ModelSpec spec = TinyModel();
//   spec.tensors[3].offset = 32;   // unaligned arena slot
//   std::vector<uint8_t> bytes = BuildArtifact(spec);
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "codegen/schema/kiln_artifact_generated.h"
#include "runtime/core/artifact_checksum.h"
#include "runtime/core/artifact_format.h"

namespace kiln::rt::test {

using artifact::AttrKind;
using artifact::DType;
using artifact::Storage;

struct QuantSpec {
  int axis = -1;
  int block_size = 0;
  std::vector<float> scales = {};
  std::vector<int64_t> zero_points = {};
};

// A packed constant's encoding (Tensor.packed).
struct PackedSpec {
  DType dtype = DType::I4;
  std::optional<QuantSpec> quant = QuantSpec{.scales = {1.0f}};
};

struct TensorSpec {
  std::string name = {};
  DType dtype = DType::F32;
  std::vector<int64_t> shape = {};
  std::vector<std::string> symbols = {};
  Storage storage = Storage::Arena;
  uint64_t offset = 0;
  uint64_t bytes = 0;
  std::optional<QuantSpec> quant = {};
  std::optional<PackedSpec> packed = {};
};

// One attribute; only the field of `kind` is normally set, but tests may set any.
struct AttrSpec {
  std::string name = {};
  AttrKind kind = AttrKind::Int;
  int64_t i = 0;
  double f = 0;
  std::optional<std::string> s = {};
  std::optional<std::vector<int64_t>> ints = {};
  std::optional<std::vector<double>> floats = {};
  std::optional<std::vector<std::string>> strings = {};
};

inline AttrSpec IntAttr(std::string name, int64_t v) {
  return {.name = std::move(name), .kind = AttrKind::Int, .i = v};
}
inline AttrSpec FloatAttr(std::string name, double v) {
  return {.name = std::move(name), .kind = AttrKind::Float, .f = v};
}
inline AttrSpec StringAttr(std::string name, std::string v) {
  return {.name = std::move(name), .kind = AttrKind::String, .s = std::move(v)};
}
inline AttrSpec IntsAttr(std::string name, std::vector<int64_t> v) {
  return {.name = std::move(name), .kind = AttrKind::Ints, .ints = std::move(v)};
}
inline AttrSpec FloatsAttr(std::string name, std::vector<double> v) {
  return {.name = std::move(name), .kind = AttrKind::Floats, .floats = std::move(v)};
}
inline AttrSpec StringsAttr(std::string name, std::vector<std::string> v) {
  return {.name = std::move(name), .kind = AttrKind::Strings, .strings = std::move(v)};
}

struct OpSpec {
  std::string kernel = {};
  std::string name = {};
  std::vector<int32_t> inputs = {};
  std::vector<int32_t> outputs = {};
  std::vector<AttrSpec> attrs = {};
};

struct ModelSpec {
  uint32_t format_version = kArtifactFormatVersion;
  std::string target = "cloud";
  std::string compiler_version = "kiln 0.1.0";
  std::string source_hash = "fnv1a64:0123456789abcdef";
  std::string graph_name = "tiny";
  std::vector<TensorSpec> tensors = {};
  std::vector<int32_t> inputs = {};
  std::vector<int32_t> outputs = {};
  std::vector<OpSpec> ops = {};
  std::vector<std::pair<std::string, int64_t>> dims = {};  // symbol, planned maximum
  uint64_t arena_bytes = 0;
  uint32_t arena_alignment = kArtifactAlignment;
  std::optional<std::vector<uint8_t>> constants = {};
  int constants_misalignment = 0;  // bytes by which to shift the blob off a 64-byte boundary
  std::vector<std::pair<std::string, std::string>> metadata = {};
  std::set<std::string> omit = {};  // Model fields to leave out: "target", "tensors", "inputs", ...
  std::string identifier = kArtifactIdentifier;
};

// The FlatBuffer alone, without the checksum trailer (what a format version 1 writer wrote).
// Every Create* call is a statement of its own: the order of function arguments' evaluation is
// unspecified (gcc and clang differ), and the bytes must not depend on the compiler.
inline std::vector<uint8_t> BuildFlatBuffer(const ModelSpec& spec) {
  flatbuffers::FlatBufferBuilder fbb(1024);
  using StringList =
      flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>>;
  auto strings = [&](const std::vector<std::string>& v) { return fbb.CreateVectorOfStrings(v); };
  auto keep = [&](const char* field) { return spec.omit.count(field) == 0; };

  auto quant_table =
      [&](const std::optional<QuantSpec>& q) -> flatbuffers::Offset<artifact::Quant> {
    if (!q) return 0;
    auto scales = fbb.CreateVector(q->scales);
    auto zero_points = fbb.CreateVector(q->zero_points);
    return artifact::CreateQuant(fbb, q->axis, q->block_size, scales, zero_points);
  };
  std::vector<flatbuffers::Offset<artifact::Tensor>> tensors;
  for (const TensorSpec& t : spec.tensors) {
    flatbuffers::Offset<artifact::Quant> quant = quant_table(t.quant);
    flatbuffers::Offset<artifact::Packed> packed = 0;
    if (t.packed) {
      flatbuffers::Offset<artifact::Quant> codes_quant = quant_table(t.packed->quant);
      packed = artifact::CreatePacked(fbb, t.packed->dtype, codes_quant);
    }
    auto name = fbb.CreateString(t.name);
    auto shape = fbb.CreateVector(t.shape);
    StringList symbols = t.symbols.empty() ? 0 : strings(t.symbols);
    tensors.push_back(artifact::CreateTensor(fbb, name, t.dtype, shape, symbols, t.storage,
                                             t.offset, t.bytes, quant, packed));
  }
  std::vector<flatbuffers::Offset<artifact::Op>> ops;
  for (const OpSpec& op : spec.ops) {
    std::vector<flatbuffers::Offset<artifact::Attr>> attrs;
    for (const AttrSpec& a : op.attrs) {
      auto name = fbb.CreateString(a.name);
      flatbuffers::Offset<flatbuffers::String> s = a.s ? fbb.CreateString(*a.s) : 0;
      flatbuffers::Offset<flatbuffers::Vector<int64_t>> ints =
          a.ints ? fbb.CreateVector(*a.ints) : 0;
      flatbuffers::Offset<flatbuffers::Vector<double>> floats =
          a.floats ? fbb.CreateVector(*a.floats) : 0;
      StringList list = a.strings ? strings(*a.strings) : 0;
      attrs.push_back(artifact::CreateAttr(fbb, name, a.kind, a.i, a.f, s, ints, floats, list));
    }
    auto kernel = fbb.CreateString(op.kernel);
    auto name = fbb.CreateString(op.name);
    auto inputs = fbb.CreateVector(op.inputs);
    auto outputs = fbb.CreateVector(op.outputs);
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<artifact::Attr>>> attr_vector =
        attrs.empty() ? 0 : fbb.CreateVector(attrs);
    ops.push_back(artifact::CreateOp(fbb, kernel, name, inputs, outputs, attr_vector));
  }
  std::vector<flatbuffers::Offset<artifact::DimBound>> dims;
  for (const auto& [symbol, max] : spec.dims) {
    auto name = fbb.CreateString(symbol);
    dims.push_back(artifact::CreateDimBound(fbb, name, max));
  }
  std::vector<flatbuffers::Offset<artifact::KeyValue>> metadata;
  for (const auto& [key, value] : spec.metadata) {
    auto k = fbb.CreateString(key);
    auto v = fbb.CreateString(value);
    metadata.push_back(artifact::CreateKeyValue(fbb, k, v));
  }
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> constants = 0;
  if (spec.constants) {
    // Aligns the end of `size + misalignment` bytes, so the blob's data starts `misalignment`
    // bytes past a 64-byte boundary (FLATBUFFERS_MAX_ALIGNMENT=64 comes with the schema target).
    fbb.ForceVectorAlignment(spec.constants->size() + spec.constants_misalignment, 1,
                             kArtifactAlignment);
    constants = fbb.CreateVector(*spec.constants);
  }
  flatbuffers::Offset<flatbuffers::String> target =
      keep("target") ? fbb.CreateString(spec.target) : 0;
  auto compiler_version = fbb.CreateString(spec.compiler_version);
  auto source_hash = fbb.CreateString(spec.source_hash);
  auto graph_name = fbb.CreateString(spec.graph_name);
  flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<artifact::Tensor>>> tensor_vector =
      keep("tensors") ? fbb.CreateVector(tensors) : 0;
  flatbuffers::Offset<flatbuffers::Vector<int32_t>> inputs =
      keep("inputs") ? fbb.CreateVector(spec.inputs) : 0;
  flatbuffers::Offset<flatbuffers::Vector<int32_t>> outputs =
      keep("outputs") ? fbb.CreateVector(spec.outputs) : 0;
  flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<artifact::Op>>> op_vector =
      keep("ops") ? fbb.CreateVector(ops) : 0;
  flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<artifact::DimBound>>> dim_vector =
      dims.empty() ? 0 : fbb.CreateVector(dims);
  flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<artifact::KeyValue>>>
      metadata_vector = metadata.empty() ? 0 : fbb.CreateVector(metadata);
  auto model =
      artifact::CreateModel(fbb, spec.format_version, target, compiler_version, source_hash,
                            graph_name, tensor_vector, inputs, outputs, op_vector, dim_vector,
                            spec.arena_bytes, spec.arena_alignment, constants, metadata_vector);
  fbb.Finish(model, spec.identifier.c_str());
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

// `flatbuffer` followed by a valid checksum trailer over it.
inline std::vector<uint8_t> Seal(std::vector<uint8_t> flatbuffer) {
  AppendChecksumTrailer(flatbuffer);
  return flatbuffer;
}

// A whole artifact file: the FlatBuffer and its checksum trailer.
inline std::vector<uint8_t> BuildArtifact(const ModelSpec& spec) {
  return Seal(BuildFlatBuffer(spec));
}

// Little-endian bytes of `values` (the constant blob's encoding).
template <typename T>
std::vector<uint8_t> LittleEndianBytes(const std::vector<T>& values) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

// A valid model with every kind of storage, a symbolic batch dim, an in-place op, a quantized
// constant, attributes of every kind and metadata:
//   mm = matmul(x: f32[N,4], w)       arena [0, 128)
//   sum = add(mm, b)                  arena [128, 256)
//   y = relu(sum)                     arena [128, 256), in place of sum; the output
inline ModelSpec TinyModel() {
  ModelSpec m;
  m.tensors = {
      {.name = "x", .shape = {-1, 4}, .symbols = {"N", ""}, .storage = Storage::Input},
      {.name = "w", .shape = {4, 4}, .storage = Storage::Constant, .offset = 0, .bytes = 64},
      {.name = "b", .shape = {4}, .storage = Storage::Constant, .offset = 64, .bytes = 16},
      {.name = "mm", .shape = {-1, 4}, .symbols = {"N", ""}, .offset = 0, .bytes = 128},
      {.name = "sum", .shape = {-1, 4}, .symbols = {"N", ""}, .offset = 128, .bytes = 128},
      {.name = "y", .shape = {-1, 4}, .symbols = {"N", ""}, .offset = 128, .bytes = 128},
      {.name = "wq",
       .dtype = DType::I8,
       .shape = {2, 2},
       .storage = Storage::Constant,
       .offset = 128,
       .bytes = 4,
       .quant = QuantSpec{.axis = 0, .scales = {0.5f, 0.25f}, .zero_points = {0, 0}}},
  };
  m.inputs = {0};
  m.outputs = {5};
  m.ops = {
      {.kernel = "matmul",
       .name = "MatMul_0",
       .inputs = {0, 1},
       .outputs = {3},
       .attrs = {FloatAttr("alpha", 1.0), IntAttr("trans_b", 0)}},
      {.kernel = "add",
       .name = "Add_1",
       .inputs = {3, 2},
       .outputs = {4},
       .attrs = {IntsAttr("axes", {1}), FloatsAttr("coeffs", {1.0, 2.0}),
                 StringAttr("mode", "numpy"), StringsAttr("tags", {"a", "b"})}},
      {.kernel = "relu", .name = "Relu_2", .inputs = {4}, .outputs = {5}},
  };
  m.dims = {{"N", 8}};
  m.arena_bytes = 256;
  std::vector<float> w(16), b = {0.5f, -1.0f, 2.0f, 0.0f};
  for (int i = 0; i < 16; ++i) w[i] = 0.25f * static_cast<float>(i - 8);
  std::vector<uint8_t> blob = LittleEndianBytes(w);
  std::vector<uint8_t> b_bytes = LittleEndianBytes(b);
  blob.insert(blob.end(), b_bytes.begin(), b_bytes.end());
  blob.resize(128, 0);
  blob.insert(blob.end(), {0x01, 0xff, 0x7f, 0x80});
  m.constants = blob;
  m.metadata = {{"producer", "artifact_test_builder"}};
  return m;
}

// A valid model whose weight is a packed constant (format version 3):
//   y = matmul(x: f32[2,5], w)    w: f32[5,3] packed as i4, blocks of 2 along axis 0 (3 blocks
//                                 per column: 9 scales), zero points; 15 codes in 8 bytes
inline ModelSpec PackedModel() {
  ModelSpec m;
  m.graph_name = "packed";
  m.tensors = {
      {.name = "x", .shape = {2, 5}, .storage = Storage::Input},
      {.name = "w",
       .shape = {5, 3},
       .storage = Storage::Constant,
       .offset = 0,
       .bytes = 8,
       .packed = PackedSpec{.dtype = DType::I4,
                            .quant = QuantSpec{.axis = 0,
                                               .block_size = 2,
                                               .scales = {0.5f, 0.25f, 1.0f, 0.125f, 2.0f, 0.75f,
                                                          1.5f, 0.0625f, 3.0f},
                                               .zero_points = {0, 1, -1, 2, 0, -8, 7, 0, 3}}}},
      {.name = "y", .shape = {2, 3}, .offset = 0, .bytes = 24},
  };
  m.inputs = {0};
  m.outputs = {2};
  m.ops = {{.kernel = "matmul", .name = "MatMul_0", .inputs = {0, 1}, .outputs = {2}}};
  m.arena_bytes = 64;
  std::vector<uint8_t> blob = {0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0x0e};
  blob.resize(64, 0);
  m.constants = blob;
  return m;
}

}  // namespace kiln::rt::test
