#include "frontends/onnx/inference_guard.h"

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

#include "frontends/onnx/import_state.h"
#include "ir/str_cat.h"

namespace kiln::onnx_import {
namespace {

using ir::StrCat;

// Ops whose shape inference divides by strides/dilations/kernel_shape (or whose windows do).
const std::set<std::string, std::less<>> kWindowOps = {
    "Conv",        "ConvTranspose", "ConvInteger", "QLinearConv", "MaxPool",
    "AveragePool", "LpPool",        "MaxUnpool",   "MaxRoiPool"};

std::string Ints(const onnx::AttributeProto& a) {
  std::string s = "[";
  for (int i = 0; i < a.ints_size(); ++i) s += StrCat(i ? "," : "", a.ints(i));
  return s + "]";
}

Status NodeError(const onnx::NodeProto& node, std::string_view file, std::string_view problem) {
  return Status::Error(
      OneLine(StrCat(file, ": node '", NodeLabel(node), "' (", node.op_type(), "): ", problem)));
}

// Names of integer scalar initializers and Constant outputs that hold 0 (Range's delta).
std::set<std::string> ZeroIntScalars(const onnx::GraphProto& graph) {
  std::set<std::string> zeros;
  auto note = [&](const std::string& name, const onnx::TensorProto& t) {
    bool is_int =
        t.data_type() == onnx::TensorProto::INT64 || t.data_type() == onnx::TensorProto::INT32 ||
        t.data_type() == onnx::TensorProto::INT16 || t.data_type() == onnx::TensorProto::INT8;
    if (!is_int || t.dims_size() != 0) return;
    bool zero = false;
    if (t.has_raw_data()) {
      zero = !t.raw_data().empty() && t.raw_data().find_first_not_of('\0') == std::string::npos;
    } else if (t.int64_data_size() == 1) {
      zero = t.int64_data(0) == 0;
    } else if (t.int32_data_size() == 1) {
      zero = t.int32_data(0) == 0;
    }
    if (zero) zeros.insert(name);
  };
  for (const onnx::TensorProto& t : graph.initializer()) note(t.name(), t);
  for (const onnx::NodeProto& n : graph.node()) {
    if (n.op_type() != "Constant" || n.output_size() < 1) continue;
    for (const onnx::AttributeProto& a : n.attribute()) {
      if (a.name() == "value" && a.has_t()) note(n.output(0), a.t());
    }
  }
  return zeros;
}

Status CheckNode(const onnx::NodeProto& node, std::string_view file,
                 const std::set<std::string>& zero_scalars) {
  bool window_op = kWindowOps.contains(node.op_type());
  for (const onnx::AttributeProto& a : node.attribute()) {
    bool positive_ints = window_op && (a.name() == "strides" || a.name() == "dilations" ||
                                       a.name() == "kernel_shape");
    if (positive_ints) {
      for (int64_t v : a.ints()) {
        if (v < 1)
          return NodeError(node, file, StrCat(a.name(), " must be positive, got ", Ints(a)));
      }
    }
    bool positive_int = (window_op && a.name() == "group") ||
                        ((node.op_type() == "DepthToSpace" || node.op_type() == "SpaceToDepth") &&
                         a.name() == "blocksize");
    if (positive_int && a.i() < 1) {
      return NodeError(node, file, StrCat(a.name(), " must be positive, got ", a.i()));
    }
  }
  if (node.op_type() == "Range" && node.input_size() == 3) {
    if (zero_scalars.contains(node.input(2))) return NodeError(node, file, "delta must not be 0");
  }
  return Status::Ok();
}

// What ONNX 1.12's window-op inference indexes without checking: the weight's rank against the
// input's (kernel dims come from the weight), and the lengths of the per-spatial-dim attributes.
// Unknown shapes are left to ONNX (it infers nothing from them).
void CheckWindowRanks(const std::string& op, onnx::InferenceContext& ctx) {
  if (ctx.getNumInputs() < 1) return;
  const onnx::TypeProto* x = ctx.getInputType(0);
  if (x == nullptr || !x->has_tensor_type() || !x->tensor_type().has_shape()) return;
  const int rank = x->tensor_type().shape().dim_size();
  if (rank < 3) fail_shape_inference(op, ": the input has rank ", rank, ", expected at least 3");
  const int spatial = rank - 2;
  const size_t w_index = op == "QLinearConv" ? 3 : 1;
  const bool has_weight =
      op == "Conv" || op == "ConvTranspose" || op == "ConvInteger" || op == "QLinearConv";
  if (has_weight && ctx.getNumInputs() > w_index) {
    const onnx::TypeProto* w = ctx.getInputType(w_index);
    if (w != nullptr && w->has_tensor_type() && w->tensor_type().has_shape() &&
        w->tensor_type().shape().dim_size() != rank) {
      fail_shape_inference(op, ": the weight has rank ", w->tensor_type().shape().dim_size(),
                           ", the input ", rank);
    }
  }
  const std::pair<const char*, int> lengths[] = {
      {"kernel_shape", spatial}, {"strides", spatial},        {"dilations", spatial},
      {"pads", 2 * spatial},     {"output_padding", spatial}, {"output_shape", spatial}};
  for (const auto& [name, length] : lengths) {
    const onnx::AttributeProto* a = ctx.getAttribute(name);
    if (a != nullptr && a->ints_size() != length) {
      fail_shape_inference(op, ": ", name, " has ", a->ints_size(), " values, expected ", length);
    }
  }
}

// ONNX's registry, returning for a window op a copy of its schema whose inference function runs
// CheckWindowRanks first. Copies are made on first use and kept.
class GuardedRegistry final : public onnx::ISchemaRegistry {
 public:
  const onnx::OpSchema* GetSchema(const std::string& key, const int max_inclusive_version,
                                  const std::string& domain) const override {
    const onnx::OpSchema* schema =
        onnx::OpSchemaRegistry::Instance()->GetSchema(key, max_inclusive_version, domain);
    if (schema == nullptr || !kWindowOps.contains(key) ||
        !schema->has_type_and_shape_inference_function()) {
      return schema;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    std::unique_ptr<onnx::OpSchema>& guarded = guarded_[{domain, key, schema->SinceVersion()}];
    if (guarded == nullptr) {
      guarded = std::make_unique<onnx::OpSchema>(*schema);
      guarded->TypeAndShapeInferenceFunction(
          [op = key,
           infer = schema->GetTypeAndShapeInferenceFunction()](onnx::InferenceContext& ctx) {
            CheckWindowRanks(op, ctx);
            infer(ctx);
          });
    }
    return guarded.get();
  }

 private:
  mutable std::mutex mutex_;
  mutable std::map<std::tuple<std::string, std::string, int>, std::unique_ptr<onnx::OpSchema>>
      guarded_;
};

}  // namespace

const onnx::ISchemaRegistry& GuardedSchemaRegistry() {
  static const GuardedRegistry* const registry = new GuardedRegistry;
  return *registry;
}

Status CheckShapeInferenceInputs(const onnx::GraphProto& graph, std::string_view file) {
  std::set<std::string> zero_scalars = ZeroIntScalars(graph);
  for (const onnx::NodeProto& node : graph.node()) {
    if (Status s = CheckNode(node, file, zero_scalars); !s.ok()) return s;
    for (const onnx::AttributeProto& a : node.attribute()) {
      if (a.has_g()) {
        if (Status s = CheckShapeInferenceInputs(a.g(), file); !s.ok()) return s;
      }
      for (const onnx::GraphProto& g : a.graphs()) {
        if (Status s = CheckShapeInferenceInputs(g, file); !s.ok()) return s;
      }
    }
  }
  return Status::Ok();
}

}  // namespace kiln::onnx_import
