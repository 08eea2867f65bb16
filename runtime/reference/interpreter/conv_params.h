// A conv op's attributes (kernel_shape, strides, dilations, pads, auto_pad, group) as the
// reference conv kernel's parameters. The interpreter's conv kernel reads them here, and so
// does anything that must see a conv's window the way the interpreter does (GPTQ's im2col in
// passes/quantize/layer_hessian.cc).
//
//   Expected<ConvParams> p = ConvParamsOf(conv_op);   // fails on an unknown auto_pad
#pragma once

#include "ir/op.h"
#include "ir/status.h"
#include "runtime/reference/kernels/conv.h"

namespace kiln::ref {

Expected<ConvParams> ConvParamsOf(const ir::Op& op);

}  // namespace kiln::ref
