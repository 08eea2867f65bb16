// The activation a conv, gemm, linear or matmul of an artifact applies to its own result (the
// `activation`, `activation_alpha`, `activation_beta` attributes the compiler's fusion writes;
// see ir/fused_activation.h for the names). XNNPACK applies relu and clip as its nodes' output
// clamp; the others run after the node, as an XNNPACK node where there is one or as the portable
// kernel in place.
//
//   rt::Result<Activation> a = ReadFusedActivation(attrs);
//   float lo, hi;
//   if (a->AsClamp(&lo, &hi)) ...            // relu: [0, inf); clip: [alpha, beta]
//   ApplyActivation(*a, data, n);            // in place, any kind
#pragma once

#include <cstdint>

#include "runtime/core/op_attrs.h"
#include "runtime/core/result.h"

namespace kiln::edge {

enum class ActivationKind {
  kNone,
  kRelu,
  kLeakyRelu,
  kClip,
  kHardSigmoid,
  kHardSwish,
  kSigmoid,
  kSilu,
  kGelu,
  kGeluTanh,
  kTanh,
};

struct Activation {
  ActivationKind kind = ActivationKind::kNone;
  float alpha = 0.0f;  // leaky_relu: slope; hard_sigmoid: alpha; clip: min
  float beta = 0.0f;   // hard_sigmoid: beta; clip: max

  // True (and the bounds) for kNone, relu and clip: what a node's output clamp does.
  bool AsClamp(float* min, float* max) const;
};

// The op's fused activation; kNone without one; an error for an unknown name.
rt::Result<Activation> ReadFusedActivation(const rt::OpAttrs& attrs);

// Applies `a` to `n` floats in place (portable kernels).
void ApplyActivation(const Activation& a, float* data, int64_t n);

}  // namespace kiln::edge
