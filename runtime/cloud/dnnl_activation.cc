#include "runtime/cloud/dnnl_activation.h"

#include <string>

namespace kiln::cloud {
namespace {

using dnnl::algorithm;

EltwiseSteps One(algorithm alg, float alpha = 0.0f, float beta = 0.0f) {
  return {EltwiseStep{alg, alpha, beta}};
}

EltwiseSteps HardSigmoid(float alpha, float beta) {
  return {EltwiseStep{algorithm::eltwise_linear, alpha, beta}, ClipStep(0.0f, 1.0f)};
}

// A float attribute (with its fallback) as f32.
rt::Status ReadFloat(const rt::OpAttrs& attrs, std::string_view name, double fallback, float& out) {
  rt::Result<double> v = attrs.Float(name, fallback);
  if (!v.ok()) return v.status();
  out = static_cast<float>(*v);
  return rt::Status::Ok();
}

}  // namespace

EltwiseStep ClipStep(float lo, float hi) {
  return EltwiseStep{algorithm::eltwise_clip, lo > hi ? hi : lo, hi};
}

rt::Result<EltwiseSteps> FusedActivationSteps(const rt::OpAttrs& attrs, std::string_view where) {
  if (!attrs.Has("activation")) return EltwiseSteps{};
  rt::Result<std::string_view> name = attrs.String("activation");
  if (!name.ok()) return name.status();
  // Defaults follow the unary ops (ir/fused_activation.cc).
  const bool leaky = *name == "leaky_relu", hard_sigmoid = *name == "hard_sigmoid";
  float alpha = 0.0f, beta = 0.0f;
  if (rt::Status s = ReadFloat(attrs, "activation_alpha",
                               leaky          ? 0.01
                               : hard_sigmoid ? 0.2
                                              : 0.0,
                               alpha);
      !s.ok()) {
    return s;
  }
  if (rt::Status s = ReadFloat(attrs, "activation_beta", hard_sigmoid ? 0.5 : 0.0, beta); !s.ok()) {
    return s;
  }
  if (*name == "relu") return One(algorithm::eltwise_relu);
  if (leaky) return One(algorithm::eltwise_relu, alpha);
  if (*name == "clip") return EltwiseSteps{ClipStep(alpha, beta)};
  if (hard_sigmoid) return HardSigmoid(alpha, beta);
  if (*name == "hard_swish") return One(algorithm::eltwise_hardswish);
  if (*name == "sigmoid") return One(algorithm::eltwise_logistic);
  if (*name == "silu") return One(algorithm::eltwise_swish, 1.0f);
  if (*name == "gelu") return One(algorithm::eltwise_gelu_erf);
  if (*name == "gelu_tanh") return One(algorithm::eltwise_gelu_tanh);
  if (*name == "tanh") return One(algorithm::eltwise_tanh);
  return rt::Status::Error(std::string(where) + ": unknown fused activation '" +
                           std::string(*name) + "'");
}

rt::Result<EltwiseSteps> UnaryOpSteps(std::string_view kernel, const rt::OpAttrs& attrs,
                                      std::string_view where) {
  float alpha = 0.0f, beta = 0.0f;
  if (kernel == "relu") return One(algorithm::eltwise_relu);
  if (kernel == "leaky_relu") {
    if (rt::Status s = ReadFloat(attrs, "alpha", 0.01, alpha); !s.ok()) return s;
    return One(algorithm::eltwise_relu, alpha);
  }
  if (kernel == "elu") {
    if (rt::Status s = ReadFloat(attrs, "alpha", 1.0, alpha); !s.ok()) return s;
    return One(algorithm::eltwise_elu, alpha);
  }
  if (kernel == "hard_sigmoid") {
    if (rt::Status s = ReadFloat(attrs, "alpha", 0.2, alpha); !s.ok()) return s;
    if (rt::Status s = ReadFloat(attrs, "beta", 0.5, beta); !s.ok()) return s;
    return HardSigmoid(alpha, beta);
  }
  if (kernel == "gelu") {
    rt::Result<std::string_view> approximate = attrs.String("approximate", "none");
    if (!approximate.ok()) return approximate.status();
    if (*approximate == "none") return One(algorithm::eltwise_gelu_erf);
    if (*approximate == "tanh") return One(algorithm::eltwise_gelu_tanh);
    return rt::Status::Error(std::string(where) + ": gelu approximate is '" +
                             std::string(*approximate) + "', expected none or tanh");
  }
  if (kernel == "sigmoid") return One(algorithm::eltwise_logistic);
  if (kernel == "hard_swish") return One(algorithm::eltwise_hardswish);
  if (kernel == "silu") return One(algorithm::eltwise_swish, 1.0f);
  if (kernel == "tanh") return One(algorithm::eltwise_tanh);
  if (kernel == "exp") return One(algorithm::eltwise_exp);
  if (kernel == "log") return One(algorithm::eltwise_log);
  if (kernel == "sqrt") return One(algorithm::eltwise_sqrt);
  if (kernel == "abs") return One(algorithm::eltwise_abs);
  if (kernel == "neg") return One(algorithm::eltwise_linear, -1.0f, 0.0f);
  return rt::Status::Error(std::string(where) + ": no oneDNN eltwise for '" + std::string(kernel) +
                           "'");
}

const std::vector<std::string_view>& UnaryOpKernels() {
  static const std::vector<std::string_view> kKernels = {
      "relu", "leaky_relu", "elu", "hard_sigmoid", "gelu", "sigmoid", "hard_swish",
      "silu", "tanh",       "exp", "log",          "sqrt", "abs",     "neg"};
  return kKernels;
}

void AppendEltwisePostOps(const EltwiseSteps& steps, dnnl::post_ops& ops) {
  for (const EltwiseStep& s : steps) ops.append_eltwise(1.0f, s.alg, s.alpha, s.beta);
}

}  // namespace kiln::cloud
