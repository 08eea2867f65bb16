// Exports a Kiln graph as an ONNX model (ONNX 1.12: opset 13 to 17, IR version 8), so
// `kiln opt ... -o out.onnx` hands other runtimes a model they can run. ops.def's deliberate
// differences are undone (axes attributes become inputs where the opset wants inputs, the cast
// target becomes `to`, ...). Quantized types become QDQ: a quantize op is a QuantizeLinear, a
// dequantize a DequantizeLinear, and any other use of a quantized value reads it through a
// DequantizeLinear, so every runtime computes what Kiln's types mean. Ops ONNX lacks at the
// target opset are written as their definition (silu -> Sigmoid, Mul; gelu -> Erf or Tanh form),
// and so are fused ops: linear -> MatMul, Add; a conv or linear with a residual and an
// activation -> Conv, Add(residual), then the activation's nodes.
//
//   Expected<std::string> bytes = ExportOnnx(graph, {.opset = 17});
//   if (!bytes) return bytes.error();   // "node 'q' (quantize): per-block ... opset 17"
//   WriteFileAtomically("out.onnx", *bytes);
#pragma once

#include <cstdint>
#include <string>

#include "ir/graph.h"
#include "ir/status.h"

namespace kiln::onnx_export {

inline constexpr int64_t kMinExportOpset = 13;
inline constexpr int64_t kMaxExportOpset = 17;

struct ExportOptions {
  int64_t opset = kMaxExportOpset;
};

// A serialized ModelProto. Deterministic: the same graph and options give the same bytes.
Expected<std::string> ExportOnnx(const ir::Graph& graph, const ExportOptions& options = {});

}  // namespace kiln::onnx_export

namespace kiln {
using onnx_export::ExportOnnx;
using onnx_export::ExportOptions;
}  // namespace kiln
