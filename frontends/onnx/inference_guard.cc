#include "frontends/onnx/inference_guard.h"

#include <set>
#include <string>

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

}  // namespace

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
