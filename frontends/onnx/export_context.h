// The exporter's state while it writes one model: unique ONNX names for Kiln values, the graph
// proto being filled, and helpers that add initializers and nodes. Op translation
// (export_node.cc) and the graph walk (exporter.cc) share it.
//
//   ExportContext ex(options);
//   std::string x = ex.FloatInput(value, graph);   // a DequantizeLinear first if quantized
//   onnx::NodeProto* n = ex.AddNode(graph, "Relu", {x}, {ex.NameOf(op.result())});
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "frontends/onnx/exporter.h"
#include "ir/graph.h"
#include "ir/status.h"

namespace kiln::onnx_export {

class ExportContext {
 public:
  explicit ExportContext(const ExportOptions& options) : options_(options) {}

  int64_t opset() const { return options_.opset; }

  // The ONNX name of a value (unique in the model; the value's own name when it is free).
  std::string NameOf(const ir::Value* value);
  // A name no value uses, built from `hint`.
  std::string FreshName(const std::string& hint);
  // The name to read `value` as a float: the value itself, or the output of a (cached)
  // DequantizeLinear added to `graph` when its type is quantized.
  Expected<std::string> FloatInput(const ir::Value* value, onnx::GraphProto* graph);

  onnx::NodeProto* AddNode(onnx::GraphProto* graph, const std::string& op_type,
                           const std::vector<std::string>& inputs,
                           const std::vector<std::string>& outputs, const std::string& name = "");
  // Adds an initializer holding `values` (i64 or f32) and returns its name.
  std::string AddInt64s(onnx::GraphProto* graph, const std::string& hint,
                        const std::vector<int64_t>& values, bool as_scalar = false);
  std::string AddFloats(onnx::GraphProto* graph, const std::string& hint,
                        const std::vector<float>& values, bool as_scalar = false);
  // Scale and zero-point initializers for a quantized type; also sets `axis` on `node`.
  Status AddQuantParams(onnx::GraphProto* graph, const ir::TensorType& type,
                        const std::string& hint, onnx::NodeProto* node);

 private:
  ExportOptions options_;
  std::unordered_map<const ir::Value*, std::string> names_;
  std::set<std::string> used_;
  std::unordered_map<const ir::Value*, std::string> dequantized_;
};

// ONNX element type of a Kiln scalar type; 0 (UNDEFINED) for i4/u4, which opset 17 lacks.
int32_t OnnxElemType(ir::ScalarType scalar);
// Fills a TypeProto (element type and dims: static, symbolic or unknown; no shape if unranked).
Status SetOnnxType(const ir::TensorType& type, onnx::TypeProto* out, std::string_view what);
// Dense tensor proto with raw data (i4/u4 unpacked to INT8/UINT8 for quantized constants).
Status FillTensorProto(const ir::TensorType& type, std::span<const uint8_t> bytes,
                       const std::string& name, onnx::TensorProto* out);

// Translates one op (not `if`, which the graph walk handles) into nodes of `graph`.
Status ExportNode(const ir::Op& op, ExportContext& ex, onnx::GraphProto* graph);
// ONNX op type for a kind that maps one to one ("" for kinds written as several nodes).
std::string OnnxOpType(ir::OpKind kind);

}  // namespace kiln::onnx_export
