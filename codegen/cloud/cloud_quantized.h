// Which ops the cloud runtime runs on quantized types as they are (docs/quantization.md,
// "Cloud lowering"); the legalization expands every other op on quantized types to
// dequantize -> float op -> quantize (passes/quantize/expand_quantized.h).
//
//   - quantize (f32 -> u8/i8 per tensor) and dequantize (u8/i8/i32 per tensor or per axis with
//     one zero point -> f32): oneDNN reorders with scales; and any dequantize of a packed
//     constant (codegen/packed_constant.h), which the runtime decodes when it loads the model;
//   - conv with a u8/i8 per-tensor input of zero point 0, i8 constant weights of zero point 0
//     (per tensor or per output channel), an optional constant bias (i32 quantized, or f32), a
//     result f32 or u8/i8 per tensor, and a residual of the result's type (per tensor when
//     quantized): oneDNN's int8 convolution with output scales and post-ops;
//   - gemm, linear and matmul marked dynamic_quant (int8-dynamic): f32 input and result, a
//     constant i8 weight per tensor or per output channel with zero point 0, f32 bias;
//   - max_pool and global_max_pool of u8/i8 per tensor to the same grid (exact: max commutes
//     with quantization);
//   - reshape, flatten, squeeze, unsqueeze, identity of one type to the same: a byte copy.
//
//   if (Status s = CheckCloudQuantized(op); !s.ok()) ...   // "conv with a per-axis input ..."
#pragma once

#include "ir/op.h"
#include "ir/status.h"

namespace kiln::codegen {

// Ok when the cloud runtime runs `op` on its quantized types, else one line saying why not.
Status CheckCloudQuantized(const ir::Op& op);

}  // namespace kiln::codegen
