#include "tools/kiln/model_io.h"

#include <filesystem>
#include <iostream>

#include "frontends/onnx/exporter.h"
#include "frontends/onnx/importer.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "tools/kiln/atomic_file.h"

namespace kiln::cli {
namespace {

std::string Extension(const std::string& path) {
  return std::filesystem::path(path).extension().string();
}

Status UnsupportedFormat(const std::string& path, std::string_view what,
                         std::string_view expected) {
  return Status::Error("'" + path + "': unsupported " + std::string(what) + " format (expected " +
                       std::string(expected) + ")");
}

}  // namespace

Expected<std::unique_ptr<ir::Graph>> LoadModel(const std::string& path, ir::Context& ctx) {
  std::string ext = Extension(path);
  if (ext == ".onnx") return ImportOnnxFile(path, ctx);
  if (ext != ".kir") return UnsupportedFormat(path, "input", "a .onnx or .kir file");
  Expected<std::string> text = ReadFile(path);
  if (!text) return text.error();
  return ParseModelText(*text, path, ctx);
}

Expected<std::unique_ptr<ir::Graph>> ParseModelText(std::string_view text, const std::string& path,
                                                    ir::Context& ctx) {
  Expected<std::unique_ptr<ir::Graph>> graph = ir::ParseGraph(text, path, ctx);
  if (!graph) return graph.error();
  if (Status s = ir::VerifyGraph(**graph); !s.ok()) {
    return Status::Error(path + ": " + s.message());
  }
  return graph;
}

Status CheckOutputPath(const std::string& path) {
  std::string ext = Extension(path);
  if (path == "-" || ext == ".kir" || ext == ".onnx") return Status::Ok();
  return UnsupportedFormat(path, "output", "a .onnx or .kir file, or -");
}

Status SaveModel(const ir::Graph& graph, const std::string& path) {
  if (Status s = CheckOutputPath(path); !s.ok()) return s;
  if (Extension(path) == ".onnx") {
    Expected<std::string> bytes = ExportOnnx(graph);
    if (!bytes) return Status::Error("'" + path + "': " + bytes.error().message());
    return WriteFileAtomically(path, *bytes);
  }
  std::string text = ir::PrintGraph(graph);
  if (path == "-") {
    std::cout << text << std::flush;
    return Status::Ok();
  }
  return WriteFileAtomically(path, text);
}

}  // namespace kiln::cli
