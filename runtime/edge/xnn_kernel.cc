#include "runtime/edge/xnn_kernel.h"

#include <algorithm>
#include <cmath>

#include "runtime/edge/kernel_registry.h"

namespace kiln::edge {
namespace {

std::vector<size_t> SizeDims(const Dims& dims) { return {dims.begin(), dims.end()}; }

// Why XNNPACK cannot take `t` as a value; null when it can: f32, or (when the kernel takes
// quantized values) u8/i8/i32 quantized per tensor with one scale, or i8/i32 per axis with one
// scale per element of the axis and no zero points (XNNPACK's channelwise values have none).
const char* ValueTypeProblem(const TensorInfo& t, bool takes_quantized) {
  if (t.quant == nullptr) {
    return t.dtype == rt::DType::kF32 ? nullptr : "not f32 (XNNPACK kernels take f32)";
  }
  if (!takes_quantized) return "quantized (this kernel takes f32)";
  const artifact::Quant& q = *t.quant;
  const int64_t scales = q.scales()->size();
  const bool u8 = t.dtype == rt::DType::kU8;
  bool ok = (t.dtype == rt::DType::kI8 || u8 || t.dtype == rt::DType::kI32) && q.block_size() == 0;
  if (q.axis() < 0) {
    ok = ok && scales == 1;
  } else {
    const auto* zero_points = q.zero_points();
    ok = ok && !u8 && static_cast<size_t>(q.axis()) < t.dims.size() && t.dims[q.axis()] == scales &&
         (zero_points == nullptr ||
          std::all_of(zero_points->begin(), zero_points->end(), [](int64_t z) { return z == 0; }));
  }
  return ok ? nullptr
            : "quantized other than u8/i8/i32 per tensor or i8/i32 per channel with zero points 0";
}

}  // namespace

xnn_status XnnKernel::DefineValue(xnn_subgraph_t subgraph, const ValueType& type, const Dims& dims,
                                  const void* data, uint32_t external_id, uint32_t flags,
                                  uint32_t* id) {
  const std::vector<size_t> sizes = SizeDims(dims);
  if (type.quant == nullptr) {
    return xnn_define_tensor_value(subgraph, xnn_datatype_fp32, sizes.size(), sizes.data(), data,
                                   external_id, flags, id);
  }
  const artifact::Quant& q = *type.quant;
  const bool i32 = type.dtype == rt::DType::kI32;
  if (q.axis() >= 0) {
    return xnn_define_channelwise_quantized_tensor_value(
        subgraph, i32 ? xnn_datatype_qcint32 : xnn_datatype_qcint8, q.scales()->data(),
        sizes.size(), static_cast<size_t>(q.axis()), sizes.data(), data, external_id, flags, id);
  }
  const xnn_datatype datatype = i32                            ? xnn_datatype_qint32
                                : type.dtype == rt::DType::kU8 ? xnn_datatype_quint8
                                                               : xnn_datatype_qint8;
  const int64_t zero_point =
      q.zero_points() != nullptr && q.zero_points()->size() > 0 ? q.zero_points()->Get(0) : 0;
  return xnn_define_quantized_tensor_value(subgraph, datatype, static_cast<int32_t>(zero_point),
                                           q.scales()->Get(0), sizes.size(), sizes.data(), data,
                                           external_id, flags, id);
}

Dims XnnKernel::ValueDims(int i, const TensorInfo& info) const {
  (void)i;
  return info.dims;
}

Dims XnnKernel::OutputValueDims(int o, const TensorInfo& info) const {
  (void)o;
  return info.dims;
}

rt::Status XnnKernel::Check(xnn_status status, const NodeContext& n, std::string_view what) {
  if (status == xnn_status_success) return rt::Status::Ok();
  return XnnError(status, n.where, what);
}

rt::Status XnnKernel::Prepare(const PrepareContext& ctx) {
  where_ = ctx.where;
  portable_.reset();
  if (!Handles(ctx)) {
    portable_ = NewPortableKernel(ctx.op.kernel()->string_view());
    if (portable_ == nullptr) {
      return rt::Status::Error(ctx.where + ": this case of '" + ctx.op.kernel()->str() +
                               "' is not supported on edge");
    }
    return portable_->Prepare(ctx);
  }
  if (rt::Status s = InferDims(ctx); !s.ok()) return s;
  input_types_.assign(ctx.inputs.size(), ValueType{});
  output_types_.clear();
  const size_t num_inputs = ctx.inputs.size();
  for (size_t i = 0; i < num_inputs + ctx.outputs.size(); ++i) {
    const TensorInfo* t = i < num_inputs ? ctx.inputs[i] : ctx.outputs[i - num_inputs];
    if (t == nullptr) continue;
    if (const char* problem = ValueTypeProblem(*t, TakesQuantized())) {
      return rt::Status::Error(ctx.where + ": " + (i < num_inputs ? "input " : "output ") +
                               std::to_string(i < num_inputs ? i : i - num_inputs) + " is " +
                               problem);
    }
    const ValueType type{t->dtype, t->quant};
    if (i < num_inputs) {
      input_types_[i] = type;
    } else {
      output_types_.push_back(type);
    }
  }
  activation_ = {};
  if (HasFusedActivation()) {
    rt::Result<Activation> a = ReadFusedActivation(ctx.attrs);
    if (!a.ok()) return rt::Status::Error(ctx.where + ": " + a.status().message());
    activation_ = *a;
  }
  float lo, hi;
  const bool clamp = activation_.AsClamp(&lo, &hi);
  if (!clamp && !output_types_.empty() && output_types_[0].quant != nullptr) {
    return rt::Status::Error(ctx.where +
                             ": a fused activation other than relu or clip on a quantized "
                             "result is not supported on edge");
  }
  value_dims_.assign(ctx.inputs.size(), Dims{});
  constants_.assign(ctx.inputs.size(), nullptr);
  present_.assign(ctx.inputs.size(), false);
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    if (ctx.inputs[i] == nullptr) continue;
    present_[i] = true;
    value_dims_[i] = ValueDims(static_cast<int>(i), *ctx.inputs[i]);
    constants_[i] = ctx.inputs[i]->data;
  }
  output_dims_.clear();
  for (size_t o = 0; o < ctx.outputs.size(); ++o) {
    output_dims_.push_back(OutputValueDims(static_cast<int>(o), *ctx.outputs[o]));
  }
  output_elements_ = ctx.outputs.empty() ? 0 : NumElements(ctx.outputs[0]->dims);
  portable_activation_ = !clamp && activation_.kind != ActivationKind::kHardSwish &&
                         activation_.kind != ActivationKind::kSigmoid &&
                         activation_.kind != ActivationKind::kLeakyRelu;
  return rt::Status::Ok();
}

uint32_t XnnKernel::num_external_values() const {
  uint32_t n = static_cast<uint32_t>(output_dims_.size());
  for (size_t i = 0; i < present_.size(); ++i) n += present_[i] && constants_[i] == nullptr;
  return n;
}

rt::Status XnnKernel::Define(xnn_subgraph_t subgraph, uint32_t* next_id) {
  NodeContext n{.subgraph = subgraph, .where = where_, .in = {}, .out = {}};
  std::vector<uint32_t> in_ids(value_dims_.size(), XNN_INVALID_VALUE_ID);
  external_inputs_.assign(value_dims_.size(), XNN_INVALID_VALUE_ID);
  for (size_t i = 0; i < value_dims_.size(); ++i) {
    if (!present_[i]) continue;
    const bool constant = constants_[i] != nullptr;
    const uint32_t external = constant ? XNN_INVALID_VALUE_ID : (*next_id)++;
    if (rt::Status s =
            Check(DefineValue(subgraph, input_types_[i], value_dims_[i], constants_[i], external,
                              constant ? 0 : XNN_VALUE_FLAG_EXTERNAL_INPUT, &in_ids[i]),
                  n, "define input " + std::to_string(i));
        !s.ok()) {
      return s;
    }
    external_inputs_[i] = external;
  }
  std::vector<uint32_t> out_ids(output_dims_.size());
  external_outputs_.assign(output_dims_.size(), 0);
  for (size_t o = 0; o < output_dims_.size(); ++o) {
    external_outputs_[o] = (*next_id)++;
    if (rt::Status s =
            Check(DefineValue(subgraph, output_types_[o], output_dims_[o], nullptr,
                              external_outputs_[o], XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &out_ids[o]),
                  n, "define output " + std::to_string(o));
        !s.ok()) {
      return s;
    }
  }

  // The node writes an internal value when an XNNPACK activation node follows it.
  float clamp_min = -INFINITY, clamp_max = INFINITY;
  const bool clamp = activation_.AsClamp(&clamp_min, &clamp_max);
  const bool activation_node = !portable_activation_ && (!clamp || !NodeClamps()) &&
                               activation_.kind != ActivationKind::kNone;
  std::vector<uint32_t> node_out = out_ids;
  if (activation_node) {
    const std::vector<size_t> dims = SizeDims(output_dims_[0]);
    if (rt::Status s =
            Check(xnn_define_tensor_value(subgraph, xnn_datatype_fp32, dims.size(), dims.data(),
                                          nullptr, XNN_INVALID_VALUE_ID, 0, &node_out[0]),
                  n, "define activation input");
        !s.ok()) {
      return s;
    }
  }
  n.in = in_ids;
  n.out = node_out;
  if (clamp && NodeClamps()) n.output_min = clamp_min, n.output_max = clamp_max;
  if (rt::Status s = DefineNode(n); !s.ok()) return s;
  if (!activation_node) return rt::Status::Ok();
  xnn_status status = xnn_status_success;
  switch (activation_.kind) {
    case ActivationKind::kHardSwish:
      status = xnn_define_hardswish(subgraph, node_out[0], out_ids[0], 0);
      break;
    case ActivationKind::kSigmoid:
      status = xnn_define_sigmoid(subgraph, node_out[0], out_ids[0], 0);
      break;
    case ActivationKind::kLeakyRelu:
      status = xnn_define_leaky_relu(subgraph, activation_.alpha, node_out[0], out_ids[0], 0);
      break;
    default:
      status = xnn_define_clamp(subgraph, clamp_min, clamp_max, node_out[0], out_ids[0], 0);
      break;
  }
  return Check(status, n, "define fused activation");
}

void XnnKernel::AppendExternalValues(std::span<const void* const> inputs,
                                     std::span<void* const> outputs,
                                     std::vector<xnn_external_value>& values) {
  for (size_t i = 0; i < inputs.size() && i < external_inputs_.size(); ++i) {
    if (external_inputs_[i] != XNN_INVALID_VALUE_ID) {
      values.push_back({external_inputs_[i], const_cast<void*>(inputs[i])});
    }
  }
  for (size_t o = 0; o < outputs.size() && o < external_outputs_.size(); ++o) {
    values.push_back({external_outputs_[o], outputs[o]});
  }
  output_ = outputs.empty() ? nullptr : static_cast<float*>(outputs[0]);
}

void XnnKernel::RunPostOp() const {
  if (portable_activation_) ApplyActivation(activation_, output_, output_elements_);
}

rt::Status XnnKernel::Bind(std::span<const void* const> inputs, std::span<void* const> outputs) {
  if (portable_ == nullptr) return rt::Status::Error(where_ + ": runs in an XNNPACK runtime");
  return portable_->Bind(inputs, outputs);
}

rt::Status XnnKernel::Run() {
  if (portable_ == nullptr) return rt::Status::Error(where_ + ": runs in an XNNPACK runtime");
  return portable_->Run();
}

}  // namespace kiln::edge
