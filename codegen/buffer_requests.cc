#include "codegen/buffer_requests.h"

#include <limits>
#include <unordered_map>

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
                              const std::map<std::string, int64_t>& dims) {
  const ir::TensorType& type = *value.type();
  const std::string type_text = type.ToString();
  if (!type.shape().is_ranked()) {
    return Status::Error(StrCat(Describe(value, op_index), " has an unranked type ", type_text,
                                "; memory planning needs every dim"));
  }
  int64_t count = 1;
  for (const ir::Dim& d : type.shape().dims()) {
    int64_t size = d.size();
    if (d.is_symbolic()) {
      auto it = dims.find(d.symbol());
      if (it == dims.end() || it->second < 0) {
        return Status::Error(StrCat(Describe(value, op_index), " has dim ", d.ToString(), " in ",
                                    type_text, ", which the given dims do not bind"));
      }
      size = it->second;
    } else if (!d.is_static()) {
      return Status::Error(StrCat(Describe(value, op_index), " has dim ? in ", type_text,
                                  "; memory planning needs every dim"));
    }
    if (size > 0 && count > std::numeric_limits<int64_t>::max() / 64 / size) {
      return Status::Error(
          StrCat(Describe(value, op_index), " of type ", type_text, " is too large to plan"));
    }
    count *= size;
  }
  return ir::StorageBytes(type.scalar(), count);
}

// The operand `op` may overwrite with its result: same type, an op result (not an input or
// constant, which the caller owns) that dies at `op`.
const ir::Value* InPlaceOperand(const ir::Op& op, const Liveness& live) {
  const ir::OpSchema& schema = op.schema();
  if (op.num_results() != 1 || op.num_regions() != 0) return nullptr;
  if (!schema.has(ir::kUnaryElementwise) && !schema.has(ir::kBroadcastBinary)) return nullptr;
  const int index = live.OpIndex(&op);
  for (const ir::Value* operand : op.operands()) {
    if (operand && operand->is_op_result() && operand->type() == op.result(0)->type() &&
        live.Contains(operand) && live.Get(operand).last_use == index) {
      return operand;
    }
  }
  return nullptr;
}

}  // namespace

Expected<BufferRequests> CollectBufferRequests(const ir::Graph& graph,
                                               const std::map<std::string, int64_t>& dims) {
  const Liveness live(graph);
  BufferRequests out;
  std::unordered_map<const ir::Value*, int> request_of;
  for (int k = 0; k < live.num_ops(); ++k) {
    const ir::Op& op = *live.op(k);
    const ir::Value* inplace = InPlaceOperand(op, live);
    for (int r = 0; r < op.num_results(); ++r) {
      const ir::Value* value = op.result(r);
      Expected<int64_t> bytes = SizeInBytes(*value, k, dims);
      if (!bytes) return bytes.error();
      const Liveness::Interval interval = live.Get(value);
      BufferRequest request{.size = *bytes, .first = interval.def, .last = interval.last_use};
      if (inplace) request.inplace_of = request_of.at(inplace);
      request_of[value] = static_cast<int>(out.requests.size());
      out.requests.push_back(request);
      out.values.push_back(value);
    }
  }
  return out;
}

}  // namespace kiln::codegen
