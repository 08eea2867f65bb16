// Packed constants: a weight-only quantized weight stays packed in the artifact.
//
// Weight-only quantization (passes/quantize/weight_only.h) turns a float weight into
// `%wf = dequantize(@wq)` of a constant of i8/u8/i4/u4 codes, read by a float op. Codegen does
// not run that dequantize: it writes `%wf` as a Constant tensor of dtype f32 whose bytes are
// @wq's codes, with `packed` saying how to decode them (docs/artifact.md, "Packed constants"),
// and the runtime decodes them once when it loads the artifact. Such an op has no arena buffer
// (buffer_requests.h), no op entry and no support check of its own in either target.
//
//   if (IsPackedConstant(*op)) continue;   // a constant of the artifact, not an op
#pragma once

#include "ir/op.h"

namespace kiln::codegen {

// True for a `dequantize` of a constant of quantized type i8, u8, i4 or u4 (any granularity)
// to a plain f32 value of the same static shape that is not a graph output (an output must be
// an arena tensor some op writes).
bool IsPackedConstant(const ir::Op& op);

}  // namespace kiln::codegen
