// Dynamic int8 (`--quantize int8-dynamic`): for transformers and other models whose matrix
// products see activations with ranges that vary from input to input. Each gemm, linear and
// matmul with a constant 2-D weight gets s8 weights per output channel (symmetric, scale searched
// per channel as weight_only.h does) and the `dynamic_quant` mark (ir/dynamic_quant.h): its
// input is quantized to u8 per tensor when it runs, on that tensor's own range, so no
// calibration data is needed. Convs, gemms with trans_a, alpha or beta other than 1, and ops
// whose bias (or gemm's C) is not a constant row of N stay float. The cloud runtime multiplies in
// int8 (oneDNN u8 x s8 matmul with run-time scales and zero point); the reference runtime computes
// the same grid in float.
//
//   Expected<WeightOnlyReport> r = QuantizeDynamic(graph);   // r->layers: the marked ops
//
// Not a registered pass (it changes the numbers); `kiln opt --quantize int8-dynamic` runs it.
#pragma once

#include "ir/graph.h"
#include "ir/status.h"
#include "passes/quantize/weight_only.h"

namespace kiln::quant {

// True for an op int8-dynamic quantizes (given a constant 2-D weight).
bool DynamicQuantizable(const ir::Op& op);

Expected<WeightOnlyReport> QuantizeDynamic(ir::Graph& graph);

}  // namespace kiln::quant
