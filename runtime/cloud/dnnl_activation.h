// Kiln's activations as oneDNN eltwise algorithms: the fused activation that conv, gemm, matmul
// and linear carry in their `activation`, `activation_alpha` and `activation_beta` attributes
// (appended to the primitive as post-ops), and the stand-alone unary ops (relu, gelu, ...).
// oneDNN 2.6 has no hard_sigmoid, so it is two steps: linear (alpha * x + beta), then clip to
// [0, 1]; every other activation is one step.
//
//   rt::Result<EltwiseSteps> a = FusedActivationSteps(attrs, where);  // empty when there is none
//   dnnl::post_ops ops;
//   AppendEltwisePostOps(*a, ops);
#pragma once

#include <string_view>
#include <vector>

#include "runtime/cloud/dnnl_api.h"
#include "runtime/core/op_attrs.h"
#include "runtime/core/result.h"

namespace kiln::cloud {

// y = alg(x; alpha, beta), oneDNN's eltwise parameters.
struct EltwiseStep {
  dnnl::algorithm alg = dnnl::algorithm::eltwise_linear;
  float alpha = 0.0f;
  float beta = 0.0f;
};
using EltwiseSteps = std::vector<EltwiseStep>;

// The fused activation of a conv/gemm/matmul/linear op (ir/fused_activation.h: relu,
// leaky_relu, clip, hard_sigmoid, hard_swish, sigmoid, silu, gelu, gelu_tanh, tanh, with the
// unary ops' defaults for alpha and beta); empty when the op has none. An unknown name is an
// error starting with `where` (attribute errors name the op themselves).
rt::Result<EltwiseSteps> FusedActivationSteps(const rt::OpAttrs& attrs, std::string_view where);

// The steps of unary op `kernel` (relu, leaky_relu, elu, sigmoid, hard_sigmoid, hard_swish,
// silu, gelu, tanh, exp, log, sqrt, abs, neg), reading its attributes with ONNX defaults; an
// error starting with `where` for any other op.
rt::Result<EltwiseSteps> UnaryOpSteps(std::string_view kernel, const rt::OpAttrs& attrs,
                                      std::string_view where);

// clip(x, lo, hi) = min(max(x, lo), hi); lo > hi gives hi everywhere, as in ONNX.
EltwiseStep ClipStep(float lo, float hi);

void AppendEltwisePostOps(const EltwiseSteps& steps, dnnl::post_ops& ops);

// The unary op keys UnaryOpSteps knows, for registration.
const std::vector<std::string_view>& UnaryOpKernels();

}  // namespace kiln::cloud
