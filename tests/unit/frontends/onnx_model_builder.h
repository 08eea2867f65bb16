// Builds small ONNX ModelProtos for the importer's tests, with the protobuf API.
//
//   OnnxModelBuilder m(/*opset=*/13);
//   m.Input("x", onnx::TensorProto::FLOAT, {1, 4});
//   m.Node("Relu", {"x"}, {"y"});
//   m.Output("y");
//   Expected<std::unique_ptr<ir::Graph>> g = m.Import(ctx);
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "frontends/onnx/importer.h"

namespace kiln::onnx_import::testing {

// A dim: a size, or a symbolic name.
struct TestDim {
  TestDim(int64_t v) : value(v) {}      // NOLINT: sizes read naturally as {1, 4}
  TestDim(const char* p) : param(p) {}  // NOLINT
  int64_t value = -1;                   // -1 with an empty param: unknown
  std::string param;
};

class OnnxModelBuilder {
 public:
  explicit OnnxModelBuilder(int64_t opset = 13, int64_t ir_version = 8) {
    model.set_ir_version(ir_version);
    model.set_producer_name("kiln-test");
    auto* id = model.add_opset_import();
    id->set_domain("");
    id->set_version(opset);
    model.mutable_graph()->set_name("test");
  }

  static void SetType(onnx::TypeProto* type, int32_t elem, const std::vector<TestDim>& dims,
                      bool ranked = true) {
    auto* t = type->mutable_tensor_type();
    t->set_elem_type(elem);
    if (!ranked) return;
    auto* shape = t->mutable_shape();
    for (const TestDim& d : dims) {
      auto* dim = shape->add_dim();
      if (!d.param.empty()) {
        dim->set_dim_param(d.param);
      } else if (d.value >= 0) {
        dim->set_dim_value(d.value);
      }
    }
  }

  void Input(const std::string& name, int32_t elem, const std::vector<TestDim>& dims) {
    auto* v = model.mutable_graph()->add_input();
    v->set_name(name);
    SetType(v->mutable_type(), elem, dims);
  }
  // An output with a declared type, or (elem 0) none.
  void Output(const std::string& name, int32_t elem = 0, const std::vector<TestDim>& dims = {}) {
    auto* v = model.mutable_graph()->add_output();
    v->set_name(name);
    if (elem != 0) SetType(v->mutable_type(), elem, dims);
  }
  onnx::TensorProto* Initializer(const std::string& name, const std::vector<int64_t>& dims,
                                 const std::vector<float>& values) {
    onnx::TensorProto* t = model.mutable_graph()->add_initializer();
    FillFloats(t, name, dims, values);
    return t;
  }
  onnx::TensorProto* InitializerI64(const std::string& name, const std::vector<int64_t>& dims,
                                    const std::vector<int64_t>& values) {
    onnx::TensorProto* t = model.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : dims) t->add_dims(d);
    for (int64_t v : values) t->add_int64_data(v);
    return t;
  }
  static void FillFloats(onnx::TensorProto* t, const std::string& name,
                         const std::vector<int64_t>& dims, const std::vector<float>& values) {
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    for (float v : values) t->add_float_data(v);
  }
  onnx::NodeProto* Node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "") {
    onnx::NodeProto* n = model.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    return n;
  }
  static onnx::AttributeProto* Attr(onnx::NodeProto* n, const std::string& name) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    return a;
  }
  static void AttrInt(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = Attr(n, name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void AttrFloat(onnx::NodeProto* n, const std::string& name, float v) {
    auto* a = Attr(n, name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  static void AttrInts(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = Attr(n, name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }
  static void AttrFloats(onnx::NodeProto* n, const std::string& name, const std::vector<float>& v) {
    auto* a = Attr(n, name);
    a->set_type(onnx::AttributeProto::FLOATS);
    for (float x : v) a->add_floats(x);
  }

  std::string Bytes() const { return model.SerializeAsString(); }
  Expected<std::unique_ptr<ir::Graph>> Import(ir::Context& ctx,
                                              const std::string& name = "model.onnx") const {
    return ImportOnnxBytes(Bytes(), name, ctx);
  }

  onnx::ModelProto model;
};

}  // namespace kiln::onnx_import::testing
