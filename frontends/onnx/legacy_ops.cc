#include "frontends/onnx/legacy_ops.h"

#include <limits>
#include <string>
#include <vector>

#include "frontends/onnx/constant_operands.h"
#include "frontends/onnx/import_state.h"
#include "ir/str_cat.h"

namespace kiln::onnx_import {
namespace {

using ir::OpKind;
using ir::ScalarType;
using ir::StrCat;
using onnx::NodeProto;

// Takes attribute `name` out of `op`; nullopt when absent.
std::optional<ir::AttrValue> TakeAttr(PendingOp& op, std::string_view name) {
  const ir::AttrValue* v = op.attrs.Find(name);
  if (!v) return std::nullopt;
  ir::AttrValue out = *v;
  op.attrs.Remove(name);
  return out;
}

Expected<std::vector<int64_t>> TakeInts(const NodeProto& node, const ImportState& state,
                                        PendingOp& op, std::string_view name) {
  std::optional<ir::AttrValue> v = TakeAttr(op, name);
  if (!v) return std::vector<int64_t>();
  if (ir::KindOf(*v) != ir::AttrKind::kInts) {
    return state.NodeError(node, StrCat("attribute '", name, "' must be a list of ints"));
  }
  return std::get<std::vector<int64_t>>(*v);
}

// A float attribute (ints accepted); nullopt when absent.
Expected<std::optional<double>> TakeFloat(const NodeProto& node, const ImportState& state,
                                          PendingOp& op, std::string_view name) {
  std::optional<ir::AttrValue> v = TakeAttr(op, name);
  if (!v) return std::optional<double>();
  if (ir::KindOf(*v) == ir::AttrKind::kFloat) return std::optional<double>(std::get<double>(*v));
  if (ir::KindOf(*v) == ir::AttrKind::kInt) {
    return std::optional<double>(static_cast<double>(std::get<int64_t>(*v)));
  }
  return state.NodeError(node, StrCat("attribute '", name, "' must be a float"));
}

std::string ConstName(const NodeProto& node, std::string_view what) {
  return StrCat(NodeLabel(node), ".", what);
}

ScalarType DataScalar(const PendingOp& op) { return op.operands[0]->type()->scalar(); }

// Pad-2: pads and value attributes.
Status LegacyPad(const NodeProto& node, ImportState& state, PendingOp& op) {
  Expected<std::vector<int64_t>> pads = TakeInts(node, state, op, "pads");
  if (!pads) return pads.error();
  Expected<std::optional<double>> value = TakeFloat(node, state, op, "value");
  if (!value) return value.error();
  op.operands.resize(1);
  op.operands.push_back(AddI64Constant(state.graph, *pads, ConstName(node, "pads")));
  if (value->has_value() && **value != 0.0) {
    op.operands.push_back(
        AddScalarConstant(state.graph, DataScalar(op), **value, ConstName(node, "value")));
  }
  return Status::Ok();
}

// Slice-1: starts, ends and axes attributes.
Status LegacySlice(const NodeProto& node, ImportState& state, PendingOp& op) {
  Expected<std::vector<int64_t>> starts = TakeInts(node, state, op, "starts");
  if (!starts) return starts.error();
  Expected<std::vector<int64_t>> ends = TakeInts(node, state, op, "ends");
  if (!ends) return ends.error();
  bool has_axes = op.attrs.Has("axes");
  Expected<std::vector<int64_t>> axes = TakeInts(node, state, op, "axes");
  if (!axes) return axes.error();
  op.operands.resize(1);
  op.operands.push_back(AddI64Constant(state.graph, *starts, ConstName(node, "starts")));
  op.operands.push_back(AddI64Constant(state.graph, *ends, ConstName(node, "ends")));
  if (has_axes) op.operands.push_back(AddI64Constant(state.graph, *axes, ConstName(node, "axes")));
  return Status::Ok();
}

// Clip-6: min and max attributes (absent ones are unbounded).
Status LegacyClip(const NodeProto& node, ImportState& state, PendingOp& op) {
  Expected<std::optional<double>> lo = TakeFloat(node, state, op, "min");
  if (!lo) return lo.error();
  Expected<std::optional<double>> hi = TakeFloat(node, state, op, "max");
  if (!hi) return hi.error();
  op.operands.resize(1);
  ScalarType scalar = DataScalar(op);
  op.operands.push_back(lo->has_value()
                            ? AddScalarConstant(state.graph, scalar, **lo, ConstName(node, "min"))
                            : nullptr);
  if (hi->has_value()) {
    op.operands.push_back(AddScalarConstant(state.graph, scalar, **hi, ConstName(node, "max")));
  }
  while (!op.operands.empty() && !op.operands.back()) op.operands.pop_back();
  return Status::Ok();
}

// Resize-10 and Upsample-7/9 use asymmetric coordinates and floor for nearest.
void SetUpsampleModes(PendingOp& op) {
  std::string mode = op.attrs.GetString("mode", "nearest");
  if (mode == "bilinear") mode = "linear";
  op.attrs.Set("mode", mode);
  op.attrs.Set("coordinate_transformation_mode", std::string("asymmetric"));
  if (mode == "nearest") op.attrs.Set("nearest_mode", std::string("floor"));
}

Status LegacyUpsample(const NodeProto& node, ImportState& state, PendingOp& op) {
  std::optional<ir::AttrValue> scales = TakeAttr(op, "scales");
  ir::Value* scales_value = op.operands.size() > 1 ? op.operands[1] : nullptr;
  if (scales) {
    if (ir::KindOf(*scales) != ir::AttrKind::kFloats) {
      return state.NodeError(node, "attribute 'scales' must be a list of floats");
    }
    const auto& s = std::get<std::vector<double>>(*scales);
    scales_value = AddF32Constant(state.graph, std::vector<float>(s.begin(), s.end()),
                                  ConstName(node, "scales"));
  }
  if (!scales_value) return state.NodeError(node, "needs scales");
  op.operands = {op.operands[0], nullptr, scales_value};
  SetUpsampleModes(op);
  return Status::Ok();
}

Status LegacyBatchNorm(const NodeProto& node, const ImportState& state, PendingOp& op) {
  TakeAttr(op, "is_test");
  std::optional<ir::AttrValue> spatial = TakeAttr(op, "spatial");
  if (spatial && ir::KindOf(*spatial) == ir::AttrKind::kInt && std::get<int64_t>(*spatial) == 0) {
    return state.NodeError(node, "spatial=0 (per-activation statistics) is not supported");
  }
  return Status::Ok();
}

// Dropout before opset 12: ratio attribute, is_test.
Status LegacyDropout(const NodeProto& node, ImportState& state, PendingOp& op) {
  TakeAttr(op, "is_test");
  Expected<std::optional<double>> ratio = TakeFloat(node, state, op, "ratio");
  if (!ratio) return ratio.error();
  if (ratio->has_value()) {
    op.operands.resize(1);
    op.operands.push_back(
        AddScalarConstant(state.graph, ScalarType::kF32, **ratio, ConstName(node, "ratio")));
  }
  return Status::Ok();
}

}  // namespace

Status ApplyLegacyForm(const NodeProto& node, ImportState& state, PendingOp& op) {
  // An opset-1 hint for in-place execution, without meaning for the result.
  op.attrs.Remove("consumed_inputs");
  if (node.op_type() == "Upsample") return LegacyUpsample(node, state, op);
  switch (op.kind) {
    case OpKind::kPad:
      return state.opset < 11 ? LegacyPad(node, state, op) : Status::Ok();
    case OpKind::kSlice:
      return state.opset < 10 ? LegacySlice(node, state, op) : Status::Ok();
    case OpKind::kClip:
      return state.opset < 11 ? LegacyClip(node, state, op) : Status::Ok();
    case OpKind::kBatchNorm:
      return LegacyBatchNorm(node, state, op);
    case OpKind::kDropout:
      return state.opset < 12 ? LegacyDropout(node, state, op) : Status::Ok();
    case OpKind::kResize:
      if (state.opset < 11) {  // Resize-10: (X, scales)
        if (op.operands.size() != 2) return state.NodeError(node, "needs X and scales");
        op.operands = {op.operands[0], nullptr, op.operands[1]};
        SetUpsampleModes(op);
      }
      return Status::Ok();
    default:
      return Status::Ok();
  }
}

bool NeedsCoercedSoftmax(const ImportState& state, const PendingOp& op) {
  if (op.kind != OpKind::kSoftmax && op.kind != OpKind::kLogSoftmax) return false;
  if (state.opset >= 13 || op.operands.empty()) return false;
  const ir::Shape& shape = op.operands[0]->type()->shape();
  int64_t axis = op.attrs.GetInt("axis", 1);
  if (!shape.is_ranked()) return true;
  if (axis < 0) axis += shape.rank();
  return axis != shape.rank() - 1;
}

Status ImportCoercedSoftmax(const NodeProto& node, ImportState& state, PendingOp& op) {
  ir::Value* x = op.operands[0];
  const ir::Shape& shape = x->type()->shape();
  if (!shape.is_ranked()) {
    return state.NodeError(node, "opset < 13 needs the input's rank (it coerces to 2-D)");
  }
  int64_t rank = shape.rank();
  int64_t axis = op.attrs.GetInt("axis", 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) {
    return state.NodeError(node, StrCat("axis ", axis, " is out of range for rank ", rank));
  }
  // [prod(dims before axis), prod(dims from axis)], each unknown unless all its dims are static.
  auto product = [&](int64_t from, int64_t to) {
    int64_t p = 1;
    for (int64_t i = from; i < to; ++i) {
      if (!shape.dim(static_cast<int>(i)).is_static()) return ir::Dim::Unknown();
      p *= shape.dim(static_cast<int>(i)).size();
    }
    return ir::Dim(p);
  };
  const ir::TensorType* flat_type =
      state.ctx.GetType(x->type()->scalar(), ir::Shape({product(0, axis), product(axis, rank)}));
  std::string label = NodeLabel(node);
  ir::Graph& g = state.graph;
  ir::Op* flatten = g.CreateOp(OpKind::kFlatten, {x}, {flat_type}, {});
  flatten->attrs().Set("axis", axis);
  flatten->set_name(label);
  ir::AttrMap attrs;
  attrs.Set("axis", int64_t{1});
  ir::Op* softmax = g.CreateOp(op.kind, {flatten->result()}, {flat_type}, std::move(attrs));
  softmax->set_name(label);
  ir::Value* target;
  if (shape.is_static()) {
    target = AddI64Constant(g, shape.static_sizes(), label + ".shape");
  } else {
    const ir::TensorType* shape_type =
        state.ctx.GetType(ScalarType::kI64, ir::Shape::Static({rank}));
    ir::Op* shape_op = g.CreateOp(OpKind::kShape, {x}, {shape_type}, {});
    shape_op->set_name(label);
    target = shape_op->result();
  }
  ir::Op* reshape = g.CreateOp(OpKind::kReshape, {softmax->result(), target}, {x->type()}, {});
  reshape->set_name(label);
  return state.Define(node.output(0), reshape->result());
}

}  // namespace kiln::onnx_import
