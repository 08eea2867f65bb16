#include "frontends/onnx/importer.h"

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "frontends/onnx/graph_import.h"
#include "frontends/onnx/import_state.h"
#include "frontends/onnx/inference_guard.h"
#include "frontends/onnx/reshape_ranks.h"
#include "ir/str_cat.h"
#include "ir/verifier.h"

namespace kiln::onnx_import {
namespace {

using ir::StrCat;

constexpr int64_t kMaxIrVersion = 8;
constexpr int64_t kMaxOpset = 17;
// Initializers larger than this are left out of the copy that shape inference works on; only
// small ones (shapes, axes) feed inference, and this keeps big models from being held twice.
constexpr size_t kShapeInferenceDataLimit = 64 * 1024;

Status Fail(const std::string& file, std::string_view problem) {
  return Status::Error(StrCat(file, ": ", problem));
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// The opset of the default domain, or an error for a model Kiln cannot read.
Expected<int64_t> CheckVersions(const onnx::ModelProto& model, const std::string& file) {
  if (!model.has_graph() || model.ir_version() <= 0) {
    return Fail(file, "not an ONNX model (no graph or IR version)");
  }
  if (model.ir_version() > kMaxIrVersion) {
    return Fail(file, StrCat("IR version ", model.ir_version(), " is newer than supported (",
                             kMaxIrVersion, ")"));
  }
  int64_t opset = -1;
  for (const onnx::OperatorSetIdProto& id : model.opset_import()) {
    if (id.domain().empty() || id.domain() == "ai.onnx") opset = id.version();
  }
  if (opset < 0) {
    // IR version 1-2 models predate opset_import and mean opset 1; later ones without the
    // ONNX domain can only hold ops of other domains (0: none of ONNX's).
    return int64_t{model.ir_version() < 3 ? 1 : 0};
  }
  if (opset > kMaxOpset) {
    return Fail(file, StrCat("opset ", opset, " is not supported (1 to ", kMaxOpset, ")"));
  }
  return opset;
}

// Applies `fn` to every TensorShapeProto of the value infos of `graph` and its subgraphs.
template <typename Fn>
void ForEachShape(onnx::GraphProto& graph, const Fn& fn) {
  for (auto* list : {graph.mutable_input(), graph.mutable_output(), graph.mutable_value_info()}) {
    for (onnx::ValueInfoProto& v : *list) {
      if (v.type().has_tensor_type() && v.type().tensor_type().has_shape()) {
        fn(*v.mutable_type()->mutable_tensor_type()->mutable_shape());
      }
    }
  }
  for (onnx::NodeProto& node : *graph.mutable_node()) {
    for (onnx::AttributeProto& a : *node.mutable_attribute()) {
      if (a.has_g()) ForEachShape(*a.mutable_g(), fn);
    }
  }
}

void CollectSymbols(const onnx::GraphProto& graph, std::unordered_set<std::string>& symbols) {
  for (const auto* list : {&graph.input(), &graph.output(), &graph.value_info()}) {
    for (const onnx::ValueInfoProto& v : *list) {
      for (const auto& d : v.type().tensor_type().shape().dim()) {
        if (d.has_dim_param()) symbols.insert(d.dim_param());
      }
    }
  }
  for (const onnx::NodeProto& node : graph.node()) {
    for (const onnx::AttributeProto& a : node.attribute()) {
      if (a.has_g()) CollectSymbols(a.g(), symbols);
    }
  }
}

// Shape inference names the dims it cannot tell ("unk__0"); Kiln keeps those unknown, and
// only the model's own symbols symbolic.
void ForgetInventedSymbols(const onnx::ModelProto& original, onnx::ModelProto& inferred) {
  std::unordered_set<std::string> symbols;
  CollectSymbols(original.graph(), symbols);
  ForEachShape(*inferred.mutable_graph(), [&](onnx::TensorShapeProto& shape) {
    for (auto& d : *shape.mutable_dim()) {
      if (d.has_dim_param() && !symbols.count(d.dim_param())) d.clear_dim_param();
    }
  });
}

// Failures are not fatal: what was inferred before them is kept, and value_info and output
// types may still give every type.
void RunShapeInference(onnx::ModelProto& model) {
  try {
    onnx::ShapeInferenceOptions options(/*check_type_val=*/false, /*strict_mode_val=*/0,
                                        /*data_prop_val=*/true);
    onnx::shape_inference::InferShapes(model, &GuardedSchemaRegistry(), options);
  } catch (const std::exception&) {
    // Keep what was inferred before the failure.
  }
}

// Runs ONNX shape inference on a copy without large weights. Reshape results ONNX leaves
// unranked get the rank of their target's length, and inference runs again so the ranks reach
// the ops after them (reshape_ranks.h); each round ranks at least one more Reshape.
onnx::ModelProto InferredCopy(const onnx::ModelProto& model) {
  onnx::ModelProto copy = model;
  for (onnx::TensorProto& t : *copy.mutable_graph()->mutable_initializer()) {
    if (t.raw_data().size() > kShapeInferenceDataLimit) t.clear_raw_data();
  }
  RunShapeInference(copy);
  // At most kMaxReshapeRounds extra rounds, so a hostile model of many chained Reshapes cannot
  // make import quadratic (PP-OCRv4's recognizer needs 3).
  constexpr int kMaxReshapeRounds = 16;
  for (int round = 0; round < kMaxReshapeRounds && AddReshapeRanks(*copy.mutable_graph());
       ++round) {
    RunShapeInference(copy);
  }
  ForgetInventedSymbols(model, copy);
  return copy;
}

Expected<std::unique_ptr<ir::Graph>> ImportModel(const onnx::ModelProto& model,
                                                 const std::string& file,
                                                 const std::string& model_dir, ir::Context& ctx) {
  Expected<int64_t> opset = CheckVersions(model, file);
  if (!opset) return opset.error();
  if (Status s = CheckShapeInferenceInputs(model.graph(), file); !s.ok()) return s;
  for (const onnx::FunctionProto& fn : model.functions()) {
    onnx::GraphProto body;
    *body.mutable_node() = fn.node();
    if (Status s = CheckShapeInferenceInputs(body, file); !s.ok()) return s;
  }
  onnx::ModelProto inferred = InferredCopy(model);

  ImportShared shared{ctx, file, model_dir, {}, 0, {}, 0};
  for (const onnx::FunctionProto& fn : model.functions()) {
    shared.local_functions[fn.domain() + ":" + fn.name()] = &fn;
  }
  std::string name = model.graph().name().empty() ? "main" : model.graph().name();
  auto graph = std::make_unique<ir::Graph>(ctx, name);
  ImportState state(*graph, shared, *opset);
  if (Status s = ImportGraphBody(inferred.graph(), state, GraphRole::kRoot, &model.graph());
      !s.ok()) {
    return s;
  }
  if (Status s = ir::VerifyGraph(*graph); !s.ok()) return Fail(file, s.message());
  return graph;
}

Expected<std::unique_ptr<ir::Graph>> ImportParsed(std::string_view bytes, const std::string& file,
                                                  const std::string& model_dir, ir::Context& ctx) {
  if (bytes.size() > INT_MAX) {
    return Fail(file, "larger than protobuf's 2 GB limit; keep the weights in external data");
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Error(OneLine(file) + ": not an ONNX model (cannot parse it as a ModelProto)");
  }
  // ONNX's schema functions and shape inference report some problems by throwing.
  Expected<std::unique_ptr<ir::Graph>> graph = Status::Error("");
  try {
    graph = ImportModel(model, file, model_dir, ctx);
  } catch (const std::exception& e) {
    graph = Fail(file, StrCat("ONNX failed on this model: ", e.what()));
  }
  if (!graph) return Status::Error(OneLine(graph.error().message()));
  return graph;
}

}  // namespace

Expected<std::unique_ptr<ir::Graph>> ImportOnnxFile(const std::string& path, ir::Context& ctx) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(OneLine(path), StrCat("cannot open: ", std::strerror(errno)));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Fail(path, "cannot read");
  std::string bytes = std::move(buffer).str();
  return ImportParsed(bytes, path, DirName(path), ctx);
}

Expected<std::unique_ptr<ir::Graph>> ImportOnnxBytes(std::string_view bytes,
                                                     std::string_view name_for_errors,
                                                     ir::Context& ctx) {
  return ImportParsed(bytes, std::string(name_for_errors), "", ctx);
}

}  // namespace kiln::onnx_import
