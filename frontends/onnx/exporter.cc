#include "frontends/onnx/exporter.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "frontends/onnx/export_context.h"

namespace kiln::onnx_export {
namespace {

std::string OpLabel(const ir::Op& op) {
  std::string name = op.name();
  if (name.empty() && op.num_results() > 0) name = op.result(0)->name();
  return "node '" + name + "' (" + std::string(op.kind_name()) + ")";
}

Status ExportGraph(const ir::Graph& graph, ExportContext& ex, onnx::GraphProto* g);

// `if` becomes an ONNX If whose branches are subgraphs; values of enclosing graphs are read
// by name, as ONNX scoping allows.
Status ExportIf(const ir::Op& op, ExportContext& ex, onnx::GraphProto* g) {
  Expected<std::string> cond = ex.FloatInput(op.operand(0), g);
  if (!cond) return cond.error();
  std::vector<std::string> outputs;
  for (int i = 0; i < op.num_results(); ++i) outputs.push_back(ex.NameOf(op.result(i)));
  onnx::NodeProto* node = ex.AddNode(g, "If", {*cond}, outputs, op.name());
  const char* branch_names[] = {"then_branch", "else_branch"};
  for (int r = 0; r < 2; ++r) {
    onnx::AttributeProto* a = node->add_attribute();
    a->set_name(branch_names[r]);
    a->set_type(onnx::AttributeProto::GRAPH);
    onnx::GraphProto* sub = a->mutable_g();
    sub->set_name(ex.FreshName(outputs.empty() ? "if" : outputs[0] + "_" + branch_names[r]));
    if (Status s = ExportGraph(op.region(r), ex, sub); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ExportGraph(const ir::Graph& graph, ExportContext& ex, onnx::GraphProto* g) {
  for (int i = 0; i < graph.num_inputs(); ++i) {
    const ir::Value* in = graph.input(i);
    onnx::ValueInfoProto* info = g->add_input();
    info->set_name(ex.NameOf(in));
    if (Status s = SetOnnxType(*in->type(), info->mutable_type(), "input '" + in->name() + "'");
        !s.ok()) {
      return s;
    }
  }
  for (int i = 0; i < graph.num_constants(); ++i) {
    const ir::Value* c = graph.constant(i);
    if (!c->constant()->data) {
      return Status::Error("constant '" + c->name() + "' has no data (elided); cannot export");
    }
    if (Status s = FillTensorProto(*c->type(), c->constant()->data->bytes(), ex.NameOf(c),
                                   g->add_initializer());
        !s.ok()) {
      return s;
    }
  }
  for (const ir::Op* op : graph.ops()) {
    Status s = op->kind() == ir::OpKind::kIf ? ExportIf(*op, ex, g) : ExportNode(*op, ex, g);
    if (!s.ok()) return Status::Error(OpLabel(*op) + ": " + s.message());
    // Intermediate types help other tools; i4/u4 results have none at opset 17.
    for (int r = 0; r < op->num_results(); ++r) {
      const ir::Value* v = op->result(r);
      if (OnnxElemType(v->type()->scalar()) == onnx::TensorProto::UNDEFINED) continue;
      onnx::ValueInfoProto* info = g->add_value_info();
      info->set_name(ex.NameOf(v));
      if (Status st = SetOnnxType(*v->type(), info->mutable_type(), "value"); !st.ok()) return st;
    }
  }
  // Outputs: ONNX names them by their value; an Identity gives an output its own name when it
  // differs from the value's, or when one value is output twice or is an input or constant.
  std::set<std::string> output_names;
  for (int i = 0; i < graph.num_outputs(); ++i) {
    const ir::Value* v = graph.output(i);
    Expected<std::string> value_name = ex.FloatInput(v, g);
    if (!value_name) return value_name.error();
    std::string want = graph.output_name(i).empty() ? *value_name : graph.output_name(i);
    bool needs_identity = want != *value_name || output_names.contains(want) ||
                          !v->is_op_result() || graph.parent_op() != nullptr;
    std::string name = *value_name;
    if (needs_identity) {
      name = want == *value_name ? ex.FreshName(want) : ex.FreshName(want);
      ex.AddNode(g, "Identity", {*value_name}, {name});
    }
    output_names.insert(name);
    onnx::ValueInfoProto* info = g->add_output();
    info->set_name(name);
    const ir::TensorType* type = v->type();
    if (type->is_quantized()) {
      type = graph.context().GetType(ir::ScalarType::kF32, type->shape());
    }
    if (Status s = SetOnnxType(*type, info->mutable_type(), "output '" + want + "'"); !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

}  // namespace

Expected<std::string> ExportOnnx(const ir::Graph& graph, const ExportOptions& options) {
  if (options.opset < kMinExportOpset || options.opset > kMaxExportOpset) {
    return Status::Error("cannot export ONNX opset " + std::to_string(options.opset) +
                         " (supported: " + std::to_string(kMinExportOpset) + " to " +
                         std::to_string(kMaxExportOpset) + ")");
  }
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("kiln");
  onnx::OperatorSetIdProto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(options.opset);
  onnx::GraphProto* g = model.mutable_graph();
  g->set_name(graph.name());

  ExportContext ex(options);
  if (Status s = ExportGraph(graph, ex, g); !s.ok()) return s;

  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!model.SerializeToCodedStream(&coded)) {
      return Status::Error("the model does not fit in one ONNX file (protobuf's 2 GB limit)");
    }
  }
  return bytes;
}

}  // namespace kiln::onnx_export
