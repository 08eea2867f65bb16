// Which ops static int8 quantization rewrites, and the role of each of their operands: the
// activations (quantized per tensor from calibrated ranges), the weight (a float constant,
// quantized per output channel) and the bias (a float constant, quantized to i32 with scale
// activation scale x weight scale, so it adds exactly into the int32 accumulator).
//
//   conv(x, w[O, I/g, kh, kw], b[O]?, residual?)   weight axis 0; NCHW only
//   gemm(a, b, c?)                                  b constant: axis 0 if trans_b else 1;
//                                                   c a bias only when it is [N] and alpha = beta =
//                                                   1
//   linear(x, w[K, N], b[N]?, residual?)            weight axis 1
//   matmul(x, w)                                    w a 2-D constant [K, N]: weight axis 1; else
//                                                   both operands are activations
//   add(a, b)                                       only with {.adds = true}: a and b non-constant;
//                                                   both are activations (an integer add with its
//                                                   own grids: targets without a residual post-op)
//
//   std::optional<QuantizableOp> q = AnalyzeQuantizable(*op);
//   if (q) for (int i : q->activations) ...
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/op.h"

namespace kiln::quant {

struct QuantizableOp {
  std::vector<int> activations;  // operand indices quantized per tensor
  int weight = -1;               // operand index of the weight constant, or -1
  int weight_axis = 0;           // its output-channel axis
  int bias = -1;                 // operand index of the bias constant, or -1
};

// Which ops beyond conv, gemm, linear and matmul are quantized.
struct QuantizableKinds {
  bool adds = false;
};

// How quantization errors name an op: "node 'Conv_3'", or "node (conv)" when it has no name.
std::string NodeWhere(const ir::Op& op);

// nullopt for an op static int8 leaves in float.
std::optional<QuantizableOp> AnalyzeQuantizable(const ir::Op& op, QuantizableKinds kinds = {});

}  // namespace kiln::quant
