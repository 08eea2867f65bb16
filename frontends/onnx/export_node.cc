// Translation of one Kiln op into ONNX nodes; see exporter.h for the rules.
#include <cctype>
#include <cmath>
#include <cstring>
#include <numbers>
#include <optional>

#include "frontends/onnx/export_context.h"
#include "ir/dynamic_quant.h"
#include "ir/fused_activation.h"
#include "ir/layout.h"

namespace kiln::onnx_export {
namespace {

using ir::OpKind;

// Kiln attribute names that differ from ONNX's.
std::string OnnxAttrName(std::string_view name) {
  if (name == "trans_a") return "transA";
  if (name == "trans_b") return "transB";
  return std::string(name);
}

// Attributes that opset 17 does not have (added in later opsets) and that are dropped when
// they hold their default meaning.
bool DroppedAttr(OpKind kind, std::string_view name) {
  return (kind == OpKind::kSplit && name == "num_outputs") ||
         (kind == OpKind::kCast && name == "saturate") || name == ir::kDynamicQuantAttr;
}

void SetAttr(onnx::NodeProto* node, const std::string& name, const ir::AttrValue& value) {
  onnx::AttributeProto* a = node->add_attribute();
  a->set_name(name);
  switch (ir::KindOf(value)) {
    case ir::AttrKind::kInt:
      a->set_type(onnx::AttributeProto::INT);
      a->set_i(std::get<int64_t>(value));
      break;
    case ir::AttrKind::kFloat:
      a->set_type(onnx::AttributeProto::FLOAT);
      a->set_f(static_cast<float>(std::get<double>(value)));
      break;
    case ir::AttrKind::kString:
      a->set_type(onnx::AttributeProto::STRING);
      a->set_s(std::get<std::string>(value));
      break;
    case ir::AttrKind::kInts:
      a->set_type(onnx::AttributeProto::INTS);
      for (int64_t v : std::get<std::vector<int64_t>>(value)) a->add_ints(v);
      break;
    case ir::AttrKind::kFloats:
      a->set_type(onnx::AttributeProto::FLOATS);
      for (double v : std::get<std::vector<double>>(value)) a->add_floats(static_cast<float>(v));
      break;
    case ir::AttrKind::kStrings:
      a->set_type(onnx::AttributeProto::STRINGS);
      for (const std::string& v : std::get<std::vector<std::string>>(value)) a->add_strings(v);
      break;
  }
}

// The opset an op needs at least, for kinds newer than opset 13.
int64_t MinOpset(OpKind kind) {
  switch (kind) {
    case OpKind::kHardSwish:
      return 14;
    case OpKind::kLayerNorm:
      return 17;
    default:
      return 13;
  }
}

void ExportGelu(bool tanh_form, const std::string& x, const std::string& y, ExportContext& ex,
                onnx::GraphProto* g) {
  std::string base = y + "_gelu";
  auto c = [&](const char* hint, float v) { return ex.AddFloats(g, base + hint, {v}, true); };
  auto t = [&](const char* hint) { return ex.FreshName(base + hint); };
  std::string inner;
  if (tanh_form) {
    // tanh(sqrt(2/pi) * (x + 0.044715 x^3))
    std::string x3 = t("_x3"), scaled = t("_cubic"), sum = t("_sum"), arg = t("_arg");
    inner = t("_tanh");
    ex.AddNode(g, "Pow", {x, c("_three", 3.0f)}, {x3});
    ex.AddNode(g, "Mul", {x3, c("_k", 0.044715f)}, {scaled});
    ex.AddNode(g, "Add", {x, scaled}, {sum});
    ex.AddNode(g, "Mul", {sum, c("_s", static_cast<float>(std::sqrt(2.0 / std::numbers::pi)))},
               {arg});
    ex.AddNode(g, "Tanh", {arg}, {inner});
  } else {
    // erf(x / sqrt(2))
    std::string arg = t("_arg");
    inner = t("_erf");
    ex.AddNode(g, "Div", {x, c("_sqrt2", static_cast<float>(std::numbers::sqrt2))}, {arg});
    ex.AddNode(g, "Erf", {arg}, {inner});
  }
  std::string one_plus = t("_one_plus"), half_x = t("_half_x");
  ex.AddNode(g, "Add", {inner, c("_one", 1.0f)}, {one_plus});
  ex.AddNode(g, "Mul", {x, c("_half", 0.5f)}, {half_x});
  ex.AddNode(g, "Mul", {half_x, one_plus}, {y});
}

// Nodes computing fused activation `a` of `x` into `y`; `name` names silu's first node (a
// stand-alone silu op's node name).
void ExportActivation(const ir::FusedActivation& a, const std::string& x, const std::string& y,
                      ExportContext& ex, onnx::GraphProto* g, const std::string& name = "") {
  using ir::ActivationKind;
  auto set_float = [](onnx::NodeProto* node, const char* name, double v) {
    SetAttr(node, name, ir::AttrValue(v));
  };
  switch (a.kind) {
    case ActivationKind::kNone:
      ex.AddNode(g, "Identity", {x}, {y});
      break;
    case ActivationKind::kRelu:
      ex.AddNode(g, "Relu", {x}, {y});
      break;
    case ActivationKind::kLeakyRelu:
      set_float(ex.AddNode(g, "LeakyRelu", {x}, {y}), "alpha", a.alpha);
      break;
    case ActivationKind::kClip:
      ex.AddNode(g, "Clip",
                 {x, ex.AddFloats(g, y + "_min", {static_cast<float>(a.alpha)}, true),
                  ex.AddFloats(g, y + "_max", {static_cast<float>(a.beta)}, true)},
                 {y});
      break;
    case ActivationKind::kHardSigmoid: {
      onnx::NodeProto* node = ex.AddNode(g, "HardSigmoid", {x}, {y});
      set_float(node, "alpha", a.alpha);
      set_float(node, "beta", a.beta);
      break;
    }
    case ActivationKind::kHardSwish:
      if (ex.opset() >= 14) {
        ex.AddNode(g, "HardSwish", {x}, {y});
      } else {  // x * hard_sigmoid(x; 1/6, 1/2)
        std::string hs = ex.FreshName(y + "_hard_sigmoid");
        onnx::NodeProto* node = ex.AddNode(g, "HardSigmoid", {x}, {hs});
        set_float(node, "alpha", 1.0 / 6.0);
        set_float(node, "beta", 0.5);
        ex.AddNode(g, "Mul", {x, hs}, {y});
      }
      break;
    case ActivationKind::kSigmoid:
      ex.AddNode(g, "Sigmoid", {x}, {y});
      break;
    case ActivationKind::kSilu: {
      std::string sig = ex.FreshName(y + "_sigmoid");
      ex.AddNode(g, "Sigmoid", {x}, {sig}, name);
      ex.AddNode(g, "Mul", {x, sig}, {y});
      break;
    }
    case ActivationKind::kGelu:
    case ActivationKind::kGeluTanh:
      ExportGelu(a.kind == ActivationKind::kGeluTanh, x, y, ex, g);
      break;
    case ActivationKind::kTanh:
      ex.AddNode(g, "Tanh", {x}, {y});
      break;
  }
}

void AddTranspose(const std::string& x, const std::string& y, std::vector<int64_t> perm,
                  ExportContext& ex, onnx::GraphProto* g) {
  SetAttr(ex.AddNode(g, "Transpose", {x}, {y}), "perm", ir::AttrValue(std::move(perm)));
}

// Rewrites the input names of an NHWC conv or pool to NCHW ones read through new Transposes:
// the activation [N,H,W,C] and a conv's weight, [O,kh,kw,I/g] (OHWI) or [1,kh,kw,O]
// (depthwise) to [O,I/g,kh,kw].
Status TransposeToNchw(const ir::Op& op, std::vector<std::string>& inputs, ExportContext& ex,
                       onnx::GraphProto* g) {
  if (op.num_results() != 1) return Status::Error("layout NHWC with several results");
  auto transposed = [&](int i, std::vector<int64_t> perm) {
    std::string t = ex.FreshName(inputs[i] + "_nchw");
    AddTranspose(inputs[i], t, std::move(perm), ex, g);
    inputs[i] = t;
  };
  transposed(0, {0, 3, 1, 2});
  if (op.kind() == OpKind::kConv) {
    const ir::Shape& w = op.operand(1)->type()->shape();
    if (!w.is_ranked() || w.rank() != 4 || !w.dim(0).is_static()) {
      return Status::Error("an NHWC conv needs a 4-D weight with a static dim 0 to export");
    }
    const ir::NhwcWeightForm form =
        ir::NhwcConvWeightForm(op.attrs().GetInt("group", 1), w.dim(0).size());
    transposed(1, form == ir::NhwcWeightForm::kDepthwise ? std::vector<int64_t>{3, 0, 1, 2}
                                                         : std::vector<int64_t>{0, 3, 1, 2});
  }
  return Status::Ok();
}

}  // namespace

std::string OnnxOpType(OpKind kind) {
  switch (kind) {
    case OpKind::kBatchNorm:
      return "BatchNormalization";
    case OpKind::kLayerNorm:
      return "LayerNormalization";
    case OpKind::kInstanceNorm:
      return "InstanceNormalization";
    case OpKind::kQuantize:
      return "QuantizeLinear";
    case OpKind::kDequantize:
      return "DequantizeLinear";
    case OpKind::kMatMul:
      return "MatMul";
    case OpKind::kPRelu:
      return "PRelu";
    case OpKind::kIsNaN:
      return "IsNaN";
    case OpKind::kGatherND:
      return "GatherND";
    case OpKind::kScatterND:
      return "ScatterND";
    case OpKind::kLRN:
      return "LRN";
    case OpKind::kRnn:
      return "RNN";
    case OpKind::kGru:
      return "GRU";
    case OpKind::kLstm:
      return "LSTM";
    case OpKind::kSilu:
    case OpKind::kGelu:
    case OpKind::kLinear:
    case OpKind::kIf:
      return "";
    default:
      break;
  }
  // Every other name is ONNX's in snake_case: "conv_transpose" -> "ConvTranspose".
  std::string camel;
  bool upper = true;
  for (char c : ir::OpKindName(kind)) {
    if (c == '_') {
      upper = true;
      continue;
    }
    camel += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return camel;
}

Status ExportNode(const ir::Op& op, ExportContext& ex, onnx::GraphProto* g) {
  OpKind kind = op.kind();
  if (ex.opset() < MinOpset(kind)) {
    return Status::Error(std::string(op.kind_name()) + " needs ONNX opset " +
                         std::to_string(MinOpset(kind)) + " or later (exporting opset " +
                         std::to_string(ex.opset()) + ")");
  }
  // Operands: quantized values are read through a DequantizeLinear, except by dequantize.
  std::vector<std::string> inputs;
  for (int i = 0; i < op.num_operands(); ++i) {
    const ir::Value* v = op.operand(i);
    if (v == nullptr) {
      inputs.push_back("");
    } else if (kind == OpKind::kDequantize) {
      inputs.push_back(ex.NameOf(v));
    } else {
      Expected<std::string> name = ex.FloatInput(v, g);
      if (!name) return name.error();
      inputs.push_back(*name);
    }
  }
  // int8-dynamic (ir/dynamic_quant.h): the input goes through DynamicQuantizeLinear and back,
  // the grid the op computes on (ONNX Runtime fuses the pair with a MatMul into MatMulInteger).
  if (ir::IsDynamicQuant(op)) {
    const std::string base = ex.FreshName(inputs[0] + "_dynamic");
    const std::string q = ex.FreshName(base + "_u8"), scale = ex.FreshName(base + "_scale");
    const std::string zp = ex.FreshName(base + "_zero_point");
    ex.AddNode(g, "DynamicQuantizeLinear", {inputs[0]}, {q, scale, zp});
    inputs[0] = ex.FreshName(base + "_dequantized");
    ex.AddNode(g, "DequantizeLinear", {q, scale, zp}, {inputs[0]});
  }
  // A residual (conv, linear) is its own Add node after the op, before the activation.
  std::string residual;
  if (ir::ResidualOf(op) != nullptr) {
    residual = inputs[ir::kResidualOperand];
    inputs.resize(ir::kResidualOperand);
  }
  while (!inputs.empty() && inputs.back().empty()) inputs.pop_back();

  // Results: a quantized result of anything but quantize is computed in float, then quantized.
  std::vector<std::string> outputs;
  std::vector<std::pair<std::string, const ir::Value*>> requantize;
  for (int i = 0; i < op.num_results(); ++i) {
    const ir::Value* r = op.result(i);
    if (r->type()->is_quantized() && kind != OpKind::kQuantize) {
      std::string f = ex.FreshName(ex.NameOf(r) + "_float");
      requantize.emplace_back(f, r);
      outputs.push_back(f);
    } else {
      outputs.push_back(ex.NameOf(r));
    }
  }
  std::string node_name = op.name();

  // A fused activation is written as its own nodes after the op, which then writes to a
  // fresh name instead of result 0's.
  ir::FusedActivation activation;
  std::string activated;
  if (ir::HasFusedActivationAttrs(kind)) {
    Expected<ir::FusedActivation> a = ir::GetFusedActivation(op);
    if (!a) return a.error();
    activation = *a;
    if (activation.kind != ir::ActivationKind::kNone) {
      activated = outputs[0];
      outputs[0] = ex.FreshName(activated + "_pre_" + std::string(ir::ActivationName(a->kind)));
    }
  }
  // With a residual too, the op writes to a fresh name that the residual Add reads.
  std::string summed;
  if (!residual.empty()) {
    summed = outputs[0];
    outputs[0] = ex.FreshName(summed + "_pre_residual");
  }
  // Layout NHWC (ir/layout.h) has no ONNX attribute: the NCHW node runs between Transposes
  // (the weight's too), and its result is transposed back before the residual and activation.
  std::string channels_last;
  if (ir::IsChannelsLast(op)) {
    if (Status s = TransposeToNchw(op, inputs, ex, g); !s.ok()) return s;
    channels_last = outputs[0];
    outputs[0] = ex.FreshName(channels_last + "_nchw");
  }

  if (kind == OpKind::kSilu || kind == OpKind::kGelu) {
    // Spelled out in basic ops, exactly as the same activation fused into another op.
    std::optional<ir::FusedActivation> a = ir::ActivationOfUnaryOp(op);
    if (!a) {
      return Status::Error("gelu approximate=\"" + op.attrs().GetString("approximate") +
                           "\" has no ONNX form");
    }
    ExportActivation(*a, inputs[0], outputs[0], ex, g, node_name);
  } else if (kind == OpKind::kLinear) {
    if (inputs.size() > 2) {
      std::string product = ex.FreshName(outputs[0] + "_matmul");
      ex.AddNode(g, "MatMul", {inputs[0], inputs[1]}, {product}, node_name);
      ex.AddNode(g, "Add", {product, inputs[2]}, {outputs[0]});
    } else {
      ex.AddNode(g, "MatMul", {inputs[0], inputs[1]}, {outputs[0]}, node_name);
    }
  } else {
    onnx::NodeProto* node = ex.AddNode(g, OnnxOpType(kind), inputs, outputs, node_name);
    for (const auto& [name, value] : op.attrs().entries()) {
      if (DroppedAttr(kind, name) || name.starts_with("activation") ||
          (name == "layout" && ir::HasLayoutAttr(kind))) {
        continue;
      }
      bool axes_input = name == "axes" && (kind == OpKind::kReduceSum || kind == OpKind::kSqueeze ||
                                           kind == OpKind::kUnsqueeze);
      if (axes_input) {
        // Opset 13 takes these axes as an input.
        node->add_input(
            ex.AddInt64s(g, outputs[0] + "_axes", std::get<std::vector<int64_t>>(value)));
      } else if (kind == OpKind::kConstantOfShape && name == "value") {
        onnx::AttributeProto* a = node->add_attribute();
        a->set_name("value");
        a->set_type(onnx::AttributeProto::TENSOR);
        onnx::TensorProto* t = a->mutable_t();
        t->add_dims(1);
        ir::ScalarType s = op.result()->type()->scalar();
        t->set_data_type(OnnxElemType(s));
        double v = std::get<double>(value);
        std::string bytes(ir::StorageBytes(s, 1), '\0');
        switch (s) {
          case ir::ScalarType::kF32: {
            float f = static_cast<float>(v);
            std::memcpy(bytes.data(), &f, 4);
            break;
          }
          case ir::ScalarType::kI32: {
            int32_t x = static_cast<int32_t>(v);
            std::memcpy(bytes.data(), &x, 4);
            break;
          }
          case ir::ScalarType::kI64: {
            int64_t x = static_cast<int64_t>(v);
            std::memcpy(bytes.data(), &x, 8);
            break;
          }
          case ir::ScalarType::kI8:
          case ir::ScalarType::kU8:
          case ir::ScalarType::kBool:
            bytes[0] = static_cast<char>(static_cast<int>(v));
            break;
          default:
            return Status::Error("constant_of_shape of type " + op.result()->type()->ToString() +
                                 " is not exported yet");
        }
        t->set_raw_data(bytes);
      } else {
        SetAttr(node, OnnxAttrName(name), value);
      }
    }
    if (kind == OpKind::kEyeLike) {
      SetAttr(node, "dtype", static_cast<int64_t>(OnnxElemType(op.result()->type()->scalar())));
    }
    if (kind == OpKind::kCast) {
      SetAttr(node, "to", static_cast<int64_t>(OnnxElemType(op.result()->type()->scalar())));
    } else if (kind == OpKind::kQuantize) {
      if (Status s = ex.AddQuantParams(g, *op.result()->type(), outputs[0], node); !s.ok())
        return s;
    } else if (kind == OpKind::kDequantize) {
      if (Status s = ex.AddQuantParams(g, *op.operand(0)->type(), inputs[0], node); !s.ok())
        return s;
    }
  }
  if (!channels_last.empty()) {
    AddTranspose(outputs[0], channels_last, {0, 2, 3, 1}, ex, g);
    outputs[0] = channels_last;
  }
  if (!summed.empty()) {
    ex.AddNode(g, "Add", {outputs[0], residual}, {summed});
    outputs[0] = summed;
  }
  if (!activated.empty()) ExportActivation(activation, outputs[0], activated, ex, g);
  for (const auto& [float_name, value] : requantize) {
    std::string q = ex.NameOf(value);
    onnx::NodeProto* node = ex.AddNode(g, "QuantizeLinear", {float_name}, {q});
    if (Status s = ex.AddQuantParams(g, *value->type(), q, node); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace kiln::onnx_export
