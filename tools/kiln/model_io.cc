#include "tools/kiln/model_io.h"

#include <filesystem>
#include <iostream>

#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "tools/kiln/atomic_file.h"

namespace kiln::cli {
namespace {

std::string Extension(const std::string& path) {
  return std::filesystem::path(path).extension().string();
}

Status UnsupportedFormat(const std::string& path, std::string_view what) {
  return Status::Error("'" + path + "': unsupported " + std::string(what) +
                       " format (expected a .kir file)");
}

}  // namespace

Expected<std::unique_ptr<ir::Graph>> LoadModel(const std::string& path, ir::Context& ctx) {
  if (Extension(path) != ".kir") return UnsupportedFormat(path, "input");
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
  if (path == "-" || Extension(path) == ".kir") return Status::Ok();
  return UnsupportedFormat(path, "output");
}

Status SaveModel(const ir::Graph& graph, const std::string& path) {
  if (Status s = CheckOutputPath(path); !s.ok()) return s;
  std::string text = ir::PrintGraph(graph);
  if (path == "-") {
    std::cout << text << std::flush;
    return Status::Ok();
  }
  return WriteFileAtomically(path, text);
}

}  // namespace kiln::cli
