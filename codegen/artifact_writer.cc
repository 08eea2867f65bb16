#include "codegen/artifact_writer.h"

#include <flatbuffers/flatbuffers.h>

#include <cstring>
#include <limits>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "codegen/packed_constant.h"
#include "codegen/schema/kiln_artifact_generated.h"
#include "ir/str_cat.h"
#include "runtime/core/artifact_checksum.h"
#include "runtime/core/artifact_format.h"

namespace kiln::codegen {
namespace {

namespace fb = flatbuffers;
namespace art = kiln::artifact;
using ir::StrCat;

// The schema's DType mirrors ir::ScalarType one to one and in the same order.
static_assert(static_cast<int>(art::DType::MAX) + 1 == ir::kNumScalarTypes);
static_assert(static_cast<int>(art::DType::F32) == static_cast<int>(ir::ScalarType::kF32));
static_assert(static_cast<int>(art::DType::I4) == static_cast<int>(ir::ScalarType::kI4));
static_assert(static_cast<int>(art::DType::Bool) == static_cast<int>(ir::ScalarType::kBool));
static_assert(static_cast<int>(art::DType::U64) == static_cast<int>(ir::ScalarType::kU64));
// AttrKind too (ir/attribute.h).
static_assert(static_cast<int>(art::AttrKind::Strings) == static_cast<int>(ir::AttrKind::kStrings));
static_assert(rt::kArtifactAlignment == kDefaultAlignment);

// FlatBuffers offsets are 32-bit: the whole file stays below 2 GiB. Constants get most of it;
// the rest is headroom for the tables.
constexpr uint64_t kMaxConstantBytes = (uint64_t{1} << 31) - (uint64_t{1} << 27);

uint64_t AlignUp(uint64_t n, uint64_t alignment) {
  return (n + alignment - 1) / alignment * alignment;
}

// "input 'x'", "constant '@w'", "value '%a'", "result 1 of op #3 (max_pool)".
std::string Describe(const ir::Value& value, int op_index) {
  if (value.is_input()) return StrCat("input '", value.name(), "'");
  if (value.is_constant()) return StrCat("constant '@", value.constant()->name, "'");
  if (!value.name().empty()) return StrCat("value '%", value.name(), "'");
  return StrCat("result ", value.result_index(), " of op #", op_index, " (",
                value.producer()->kind_name(), ")");
}

// One slot of the constant blob; values with the same bytes share it.
struct BlobSlot {
  const ir::TensorData* data;
  uint64_t offset;
};

// A tensor of storage Constant: a constant some op reads (`codes` is `value`), or a packed
// constant, the f32 result of a dequantize the artifact holds as `codes`' bytes
// (packed_constant.h).
struct ConstantTensor {
  const ir::Value* value;
  const ir::Value* codes;
  uint64_t offset;
};

class ArtifactBuilder {
 public:
  ArtifactBuilder(const ir::Graph& graph, const PlannedBuffers& buffers,
                  const ArtifactOptions& options)
      : graph_(graph), buffers_(buffers), options_(options) {}

  Expected<std::vector<uint8_t>> Build();

 private:
  Status CheckGraph() const;
  Status AssignConstants();
  Expected<uint64_t> AssignSlot(const ir::Value& constant);
  void WriteConstantBlob();
  fb::Offset<art::Quant> QuantEntry(const ir::QuantSpec& q);
  // `packed_as`: the codes' type of a packed constant; null for any other tensor.
  Expected<fb::Offset<art::Tensor>> TensorEntry(const ir::Value& value, const std::string& name,
                                                art::Storage storage, uint64_t offset,
                                                uint64_t bytes, int op_index,
                                                const ir::TensorType* packed_as = nullptr);
  fb::Offset<art::Op> OpEntry(const ir::Op& op);
  fb::Offset<fb::Vector<fb::Offset<art::Attr>>> Attrs(const ir::AttrMap& attrs);
  uint64_t InputBytes(const ir::Value& value) const;

  const ir::Graph& graph_;
  const PlannedBuffers& buffers_;
  const ArtifactOptions& options_;

  // Constant tensors in first-use order, each with its blob offset.
  std::vector<ConstantTensor> constants_;
  std::unordered_set<const ir::Value*> listed_;
  // The dequantize ops written as packed constants instead of ops.
  std::unordered_set<const ir::Op*> packed_;
  // The blob offset of each constant's bytes; equal bytes share one slot.
  std::unordered_map<const ir::Value*, uint64_t> slot_of_;
  std::map<std::pair<size_t, uint64_t>, std::vector<size_t>> by_content_;
  std::vector<BlobSlot> slots_;
  uint64_t blob_bytes_ = 0;

  fb::FlatBufferBuilder fbb_;
  std::unordered_map<const ir::Value*, int> tensor_of_;
  fb::Offset<fb::Vector<uint8_t>> blob_;
};

Status ArtifactBuilder::CheckGraph() const {
  if (buffers_.plan.offsets.size() != buffers_.requests.requests.size() ||
      buffers_.requests.values.size() != buffers_.requests.requests.size()) {
    return Status::Error(StrCat("the memory plan has ", buffers_.plan.offsets.size(),
                                " offsets for ", buffers_.requests.requests.size(), " requests"));
  }
  int index = 0;
  for (const ir::Op* op : graph_.ops()) {
    if (op->num_regions() > 0) {
      return Status::Error(StrCat("op #", index, " (", op->kind_name(),
                                  ") has regions, which artifacts cannot hold"));
    }
    ++index;
  }
  std::unordered_map<const ir::Value*, int> output_of;
  for (int i = 0; i < graph_.num_outputs(); ++i) {
    const ir::Value* v = graph_.output(i);
    if (!v->is_op_result()) {
      return Status::Error(StrCat("output ", i, " is ", Describe(*v, -1),
                                  ", not an op result (materialize outputs first)"));
    }
    if (auto [it, added] = output_of.emplace(v, i); !added) {
      return Status::Error(StrCat("outputs ", it->second, " and ", i,
                                  " are the same value (materialize outputs first)"));
    }
  }
  return Status::Ok();
}

// The blob offset of `constant`'s bytes: a new slot, or the slot of equal bytes.
Expected<uint64_t> ArtifactBuilder::AssignSlot(const ir::Value& constant) {
  if (auto it = slot_of_.find(&constant); it != slot_of_.end()) return it->second;
  const ir::Constant* c = constant.constant();
  if (!c || !c->data) {
    return Status::Error(StrCat(Describe(constant, -1),
                                " has no data (elided); it cannot be written into an artifact"));
  }
  const ir::TensorData& data = *c->data;
  // (size, content hash) -> slots with those bytes; only looked up, never iterated.
  std::vector<size_t>& same = by_content_[{data.size(), data.ContentHash()}];
  const BlobSlot* slot = nullptr;
  for (size_t s : same) {
    if (slots_[s].data->SameBytes(data)) slot = &slots_[s];
  }
  if (!slot) {
    same.push_back(slots_.size());
    slots_.push_back({&data, AlignUp(blob_bytes_, rt::kArtifactAlignment)});
    slot = &slots_.back();
    blob_bytes_ = slot->offset + data.size();
    if (blob_bytes_ > kMaxConstantBytes) {
      return Status::Error(StrCat("the constants exceed ", kMaxConstantBytes,
                                  " bytes, more than one artifact can hold"));
    }
  }
  slot_of_[&constant] = slot->offset;
  return slot->offset;
}

// Lists the constant tensors in first-use order (a packed constant where its dequantize is) and
// gives each a blob offset.
Status ArtifactBuilder::AssignConstants() {
  for (const ir::Op* op : graph_.ops()) {
    if (IsPackedConstant(*op)) {
      Expected<uint64_t> offset = AssignSlot(*op->operand(0));
      if (!offset) return offset.error();
      packed_.insert(op);
      constants_.push_back({op->result(0), op->operand(0), *offset});
      continue;
    }
    for (const ir::Value* v : op->operands()) {
      if (!v || !v->is_constant() || listed_.count(v)) continue;
      Expected<uint64_t> offset = AssignSlot(*v);
      if (!offset) return offset.error();
      listed_.insert(v);
      constants_.push_back({v, v, *offset});
    }
  }
  blob_bytes_ = AlignUp(blob_bytes_, rt::kArtifactAlignment);
  return Status::Ok();
}

// The blob goes first, so the builder (which writes back to front) grows once for it. Forced
// alignment makes its data start 64-byte aligned from the buffer's start.
void ArtifactBuilder::WriteConstantBlob() {
  fbb_.ForceVectorAlignment(blob_bytes_, sizeof(uint8_t), rt::kArtifactAlignment);
  uint8_t* dst = nullptr;
  blob_ = fbb_.CreateUninitializedVector<uint8_t>(blob_bytes_, &dst);
  if (blob_bytes_ == 0) return;
  std::memset(dst, 0, blob_bytes_);
  for (const BlobSlot& slot : slots_) {
    if (slot.data->size() > 0) std::memcpy(dst + slot.offset, slot.data->data(), slot.data->size());
  }
}

// Dense bytes of an input at the bounds: the largest input the plan accepts (0 if unknown).
uint64_t ArtifactBuilder::InputBytes(const ir::Value& value) const {
  const ir::Shape& shape = value.type()->shape();
  if (!shape.is_ranked()) return 0;
  int64_t count = 1;
  for (const ir::Dim& d : shape.dims()) {
    int64_t size = d.size();
    if (d.is_symbolic()) {
      auto it = options_.dims.find(d.symbol());
      if (it == options_.dims.end()) return 0;
      size = it->second;
    }
    if (size < 0) return 0;
    if (size > 0 && count > std::numeric_limits<int64_t>::max() / 64 / size) return 0;
    count *= size;
  }
  return static_cast<uint64_t>(ir::StorageBytes(value.type()->scalar(), count));
}

fb::Offset<art::Quant> ArtifactBuilder::QuantEntry(const ir::QuantSpec& q) {
  std::vector<int64_t> zero_points(q.zero_points.begin(), q.zero_points.end());
  const bool per_tensor = q.granularity == ir::QuantGranularity::kPerTensor;
  const bool per_block = q.granularity == ir::QuantGranularity::kPerBlock;
  return art::CreateQuantDirect(fbb_, per_tensor ? -1 : q.axis, per_block ? q.block_size : 0,
                                &q.scales, &zero_points);
}

Expected<fb::Offset<art::Tensor>> ArtifactBuilder::TensorEntry(
    const ir::Value& value, const std::string& name, art::Storage storage, uint64_t offset,
    uint64_t bytes, int op_index, const ir::TensorType* packed_as) {
  const ir::TensorType& type = *value.type();
  if (!type.shape().is_ranked()) {
    return Status::Error(StrCat(Describe(value, op_index), " has an unranked type ",
                                type.ToString(), "; artifacts need every tensor's rank"));
  }
  std::vector<int64_t> shape;
  std::vector<std::string> symbols;
  bool all_static = true;
  for (const ir::Dim& d : type.shape().dims()) {
    shape.push_back(d.is_static() ? d.size() : -1);
    symbols.push_back(d.is_static() ? "" : d.is_symbolic() ? d.symbol() : rt::kUnknownDimSymbol);
    all_static = all_static && d.is_static();
  }
  fb::Offset<art::Quant> quant;
  if (type.quant()) quant = QuantEntry(*type.quant());
  fb::Offset<art::Packed> packed;
  if (packed_as) {
    fb::Offset<art::Quant> codes_quant = QuantEntry(*packed_as->quant());
    packed = art::CreatePacked(fbb_, static_cast<art::DType>(packed_as->scalar()), codes_quant);
  }
  auto name_offset = fbb_.CreateString(name);
  auto shape_offset = fbb_.CreateVector(shape);
  fb::Offset<fb::Vector<fb::Offset<fb::String>>> symbols_offset;
  if (!all_static) symbols_offset = fbb_.CreateVectorOfStrings(symbols);
  return art::CreateTensor(fbb_, name_offset, static_cast<art::DType>(type.scalar()), shape_offset,
                           symbols_offset, storage, offset, bytes, quant, packed);
}

fb::Offset<fb::Vector<fb::Offset<art::Attr>>> ArtifactBuilder::Attrs(const ir::AttrMap& attrs) {
  std::vector<fb::Offset<art::Attr>> out;
  for (const auto& [name, value] : attrs.entries()) {  // sorted by name
    auto name_offset = fbb_.CreateString(name);
    fb::Offset<fb::String> s;
    fb::Offset<fb::Vector<int64_t>> ints;
    fb::Offset<fb::Vector<double>> floats;
    fb::Offset<fb::Vector<fb::Offset<fb::String>>> strings;
    // Nested objects must exist before their table starts: create them first.
    switch (ir::KindOf(value)) {
      case ir::AttrKind::kString:
        s = fbb_.CreateString(std::get<std::string>(value));
        break;
      case ir::AttrKind::kInts:
        ints = fbb_.CreateVector(std::get<std::vector<int64_t>>(value));
        break;
      case ir::AttrKind::kFloats:
        floats = fbb_.CreateVector(std::get<std::vector<double>>(value));
        break;
      case ir::AttrKind::kStrings:
        strings = fbb_.CreateVectorOfStrings(std::get<std::vector<std::string>>(value));
        break;
      default:
        break;
    }
    const int64_t i =
        ir::KindOf(value) == ir::AttrKind::kInt ? std::get<int64_t>(value) : int64_t{0};
    const double f = ir::KindOf(value) == ir::AttrKind::kFloat ? std::get<double>(value) : 0.0;
    out.push_back(art::CreateAttr(fbb_, name_offset, static_cast<art::AttrKind>(ir::KindOf(value)),
                                  i, f, s, ints, floats, strings));
  }
  return fbb_.CreateVector(out);
}

fb::Offset<art::Op> ArtifactBuilder::OpEntry(const ir::Op& op) {
  std::vector<int32_t> inputs;
  for (const ir::Value* v : op.operands()) inputs.push_back(v ? tensor_of_.at(v) : -1);
  std::vector<int32_t> outputs;
  for (int r = 0; r < op.num_results(); ++r) outputs.push_back(tensor_of_.at(op.result(r)));
  auto kernel = fbb_.CreateString(op.kind_name());
  auto name = fbb_.CreateString(op.name());
  auto inputs_offset = fbb_.CreateVector(inputs);
  auto outputs_offset = fbb_.CreateVector(outputs);
  auto attrs = Attrs(op.attrs());
  return art::CreateOp(fbb_, kernel, name, inputs_offset, outputs_offset, attrs);
}

Expected<std::vector<uint8_t>> ArtifactBuilder::Build() {
  if (Status s = CheckGraph(); !s.ok()) return s;
  if (Status s = AssignConstants(); !s.ok()) return s;
  // Room for the tables too, so the builder need not grow (and copy the blob) again; pages it
  // never touches cost nothing.
  fbb_ = fb::FlatBufferBuilder(static_cast<size_t>(blob_bytes_) + (size_t{4} << 20));
  WriteConstantBlob();

  std::unordered_map<const ir::Value*, int> request_of;
  for (size_t i = 0; i < buffers_.requests.values.size(); ++i) {
    request_of[buffers_.requests.values[i]] = static_cast<int>(i);
  }
  std::unordered_map<const ir::Value*, std::string> output_name;
  for (int i = 0; i < graph_.num_outputs(); ++i) {
    if (!graph_.output_name(i).empty()) output_name[graph_.output(i)] = graph_.output_name(i);
  }

  std::vector<fb::Offset<art::Tensor>> tensors;
  auto add = [&](const ir::Value* v, Expected<fb::Offset<art::Tensor>> entry) -> Status {
    if (!entry) return entry.error();
    tensor_of_[v] = static_cast<int>(tensors.size());
    tensors.push_back(*entry);
    return Status::Ok();
  };
  for (int i = 0; i < graph_.num_inputs(); ++i) {
    const ir::Value* v = graph_.input(i);
    Status s = add(v, TensorEntry(*v, v->name(), art::Storage::Input, 0, InputBytes(*v), -1));
    if (!s.ok()) return s;
  }
  for (const ConstantTensor& c : constants_) {
    const uint64_t bytes = c.codes->constant()->data->size();
    const bool packed = c.codes != c.value;
    // A packed constant goes by its value's name, or else by its codes' constant's.
    const std::string& name =
        packed && !c.value->name().empty() ? c.value->name() : c.codes->constant()->name;
    Status s = add(c.value, TensorEntry(*c.value, name, art::Storage::Constant, c.offset, bytes, -1,
                                        packed ? c.codes->type() : nullptr));
    if (!s.ok()) return s;
  }
  int op_index = 0;
  for (const ir::Op* op : graph_.ops()) {
    for (int r = 0; r < op->num_results() && !packed_.count(op); ++r) {
      const ir::Value* v = op->result(r);
      auto request = request_of.find(v);
      if (request == request_of.end()) {
        return Status::Error(StrCat(Describe(*v, op_index), " has no place in the memory plan"));
      }
      const int k = request->second;
      auto named = output_name.find(v);
      const std::string& name = named != output_name.end() ? named->second : v->name();
      Status s =
          add(v, TensorEntry(*v, name, art::Storage::Arena,
                             static_cast<uint64_t>(buffers_.plan.offsets[k]),
                             static_cast<uint64_t>(buffers_.requests.requests[k].size), op_index));
      if (!s.ok()) return s;
    }
    ++op_index;
  }
  auto tensors_offset = fbb_.CreateVector(tensors);

  std::vector<int32_t> inputs;
  for (int i = 0; i < graph_.num_inputs(); ++i) inputs.push_back(tensor_of_.at(graph_.input(i)));
  std::vector<int32_t> outputs;
  for (int i = 0; i < graph_.num_outputs(); ++i) {
    outputs.push_back(tensor_of_.at(graph_.output(i)));
  }
  auto inputs_offset = fbb_.CreateVector(inputs);
  auto outputs_offset = fbb_.CreateVector(outputs);

  std::vector<fb::Offset<art::Op>> ops;
  for (const ir::Op* op : graph_.ops()) {
    if (!packed_.count(op)) ops.push_back(OpEntry(*op));
  }
  auto ops_offset = fbb_.CreateVector(ops);

  std::vector<fb::Offset<art::DimBound>> dims;
  for (const auto& [symbol, max] : options_.dims) {  // sorted by symbol
    dims.push_back(art::CreateDimBoundDirect(fbb_, symbol.c_str(), max));
  }
  auto dims_offset = fbb_.CreateVector(dims);
  std::vector<fb::Offset<art::KeyValue>> metadata;
  for (const auto& [key, value] : options_.metadata) {  // sorted by key
    metadata.push_back(art::CreateKeyValueDirect(fbb_, key.c_str(), value.c_str()));
  }
  auto metadata_offset = fbb_.CreateVector(metadata);

  auto target = fbb_.CreateString(options_.target);
  auto compiler_version = fbb_.CreateString(options_.compiler_version);
  auto source_hash = fbb_.CreateString(options_.source_hash);
  auto graph_name = fbb_.CreateString(graph_.name());
  art::ModelBuilder model(fbb_);
  model.add_format_version(rt::kArtifactFormatVersion);
  model.add_target(target);
  model.add_compiler_version(compiler_version);
  model.add_source_hash(source_hash);
  model.add_graph_name(graph_name);
  model.add_tensors(tensors_offset);
  model.add_inputs(inputs_offset);
  model.add_outputs(outputs_offset);
  model.add_ops(ops_offset);
  model.add_dims(dims_offset);
  model.add_arena_bytes(static_cast<uint64_t>(buffers_.plan.arena_size));
  model.add_arena_alignment(rt::kArtifactAlignment);
  model.add_constants(blob_);
  model.add_metadata(metadata_offset);
  fbb_.Finish(model.Finish(), rt::kArtifactIdentifier);
  // Reserved up front, so appending the trailer does not copy the constants once more.
  std::vector<uint8_t> file;
  file.reserve(fbb_.GetSize() + rt::kChecksumTrailerBytes);
  file.assign(fbb_.GetBufferPointer(), fbb_.GetBufferPointer() + fbb_.GetSize());
  rt::AppendChecksumTrailer(file);
  return file;
}

}  // namespace

Expected<std::vector<uint8_t>> WriteArtifact(const ir::Graph& graph, const PlannedBuffers& buffers,
                                             const ArtifactOptions& options) {
  return ArtifactBuilder(graph, buffers, options).Build();
}

}  // namespace kiln::codegen
