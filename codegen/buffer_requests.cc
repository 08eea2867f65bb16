#include "codegen/buffer_requests.h"

#include <limits>
#include <unordered_map>

#include "codegen/packed_constant.h"
#include "ir/fused_activation.h"
#include "ir/str_cat.h"
#include "passes/analysis/liveness.h"

namespace kiln::codegen {
namespace {

using ir::StrCat;

// "value '%x'", or "result 0 of op #3 (relu)" when the value has no name.
std::string Describe(const ir::Value& value, int op_index) {
  if (!value.name().empty()) return StrCat("value '%", value.name(), "'");
  return StrCat("result ", value.result_index(), " of op #", op_index, " (",
                value.producer()->kind_name(), ")");
}

Expected<int64_t> SizeInBytes(const ir::Value& value, int op_index,
                              const BufferRequestOptions& options) {
  const ir::TensorType& type = *value.type();
  const std::string type_text = type.ToString();
  if (!type.shape().is_ranked()) {
    return Status::Error(StrCat(Describe(value, op_index), " has an unranked type ", type_text,
                                "; memory planning needs every dim"));
  }
  const std::vector<int64_t>* bound = nullptr;
  if (options.bound_shapes) {
    auto it = options.bound_shapes->find(&value);
    if (it != options.bound_shapes->end() && it->second.size() == type.shape().dims().size()) {
      bound = &it->second;
    }
  }
  std::vector<int64_t> sizes;
  int64_t count = 1;
  for (const ir::Dim& d : type.shape().dims()) {
    int64_t size = d.size();
    if (d.is_symbolic()) {
      auto it = options.dims.find(d.symbol());
      if (it == options.dims.end() || it->second < 0) {
        return Status::Error(StrCat(Describe(value, op_index), " has dim ", d.ToString(), " in ",
                                    type_text, ", which the given dims do not bind"));
      }
      size = it->second;
    } else if (!d.is_static()) {
      if (!bound) {
        return Status::Error(StrCat(Describe(value, op_index), " has dim ? in ", type_text,
                                    "; memory planning needs every dim"));
      }
      size = (*bound)[sizes.size()];
    }
    if (size > 0 && count > std::numeric_limits<int64_t>::max() / 64 / size) {
      return Status::Error(
          StrCat(Describe(value, op_index), " of type ", type_text, " is too large to plan"));
    }
    count *= size;
    sizes.push_back(size);
  }
  return options.bytes ? options.bytes(type, sizes) : DenseBytes(type, sizes);
}

bool IsReshapeLike(ir::OpKind kind) {
  return kind == ir::OpKind::kReshape || kind == ir::OpKind::kFlatten ||
         kind == ir::OpKind::kSqueeze || kind == ir::OpKind::kUnsqueeze;
}

bool DiesAt(const ir::Value* value, int index, const Liveness& live) {
  return value && value->is_op_result() && live.Contains(value) &&
         live.Get(value).last_use == index;
}

// The operand `op` may overwrite with its result (the caller also checks their sizes): an op
// result (not an input or constant, which the caller owns) that dies at `op`.
const ir::Value* InPlaceOperand(const ir::Op& op, const Liveness& live) {
  const ir::OpSchema& schema = op.schema();
  if (op.num_results() != 1 || op.num_regions() != 0) return nullptr;
  const int index = live.OpIndex(&op);
  const ir::TensorType* result = op.result(0)->type();
  // conv/linear add their residual (operand 3) in their output buffer: oneDNN's sum post-op.
  if (const ir::Value* residual = ir::ResidualOf(op)) {
    return residual->type() == result && DiesAt(residual, index, live) ? residual : nullptr;
  }
  if (IsReshapeLike(op.kind())) {
    const ir::Value* data = op.operand(0);
    if (DiesAt(data, index, live) && data->type()->scalar() == result->scalar() &&
        data->type()->quant() == result->quant()) {
      return data;
    }
    return nullptr;
  }
  if (!schema.has(ir::kUnaryElementwise) && !schema.has(ir::kBroadcastBinary)) return nullptr;
  for (const ir::Value* operand : op.operands()) {
    if (operand && operand->type() == result && DiesAt(operand, index, live)) return operand;
  }
  return nullptr;
}

}  // namespace

int64_t DenseBytes(const ir::TensorType& type, std::span<const int64_t> dims) {
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  return ir::StorageBytes(type.scalar(), count);
}

Expected<BufferRequests> CollectBufferRequests(const ir::Graph& graph,
                                               const BufferRequestOptions& options) {
  const Liveness live(graph);
  BufferRequests out;
  std::unordered_map<const ir::Value*, int> request_of;
  for (int k = 0; k < live.num_ops(); ++k) {
    const ir::Op& op = *live.op(k);
    // A packed constant is written as a constant, not as an op: it needs no buffer. The other
    // lifetimes keep this graph's op indices; the artifact, which leaves such ops out, numbers
    // its ops without gaps, but every lifetime begins and ends at an op it keeps (or at the
    // end), so lifetimes that do not intersect here do not there either, and in-place pairs
    // stay pairs.
    if (IsPackedConstant(op)) continue;
    const int first_result = static_cast<int>(out.requests.size());
    for (int r = 0; r < op.num_results(); ++r) {
      const ir::Value* value = op.result(r);
      Expected<int64_t> bytes = SizeInBytes(*value, k, options);
      if (!bytes) return bytes.error();
      const Liveness::Interval interval = live.Get(value);
      request_of[value] = static_cast<int>(out.requests.size());
      out.requests.push_back({.size = *bytes, .first = interval.def, .last = interval.last_use});
      out.values.push_back(value);
    }
    // A packed constant's result has no request to share.
    if (const ir::Value* operand = InPlaceOperand(op, live)) {
      auto source = request_of.find(operand);
      if (source != request_of.end() &&
          out.requests[source->second].size == out.requests[first_result].size) {
        out.requests[first_result].inplace_of = source->second;
      }
    }
  }
  return out;
}

Expected<BufferRequests> CollectBufferRequests(const ir::Graph& graph,
                                               const std::map<std::string, int64_t>& dims) {
  BufferRequestOptions options;
  options.dims = dims;
  return CollectBufferRequests(graph, options);
}

}  // namespace kiln::codegen
