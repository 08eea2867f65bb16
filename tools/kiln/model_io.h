// Loads and saves models in the formats the CLI accepts, chosen by file extension.
//
// Reads and writes textual IR (`.kir`) and ONNX (`.onnx`). Artifacts (`.kiln`) join later.
//
//   ir::Context ctx;
//   Expected<std::unique_ptr<ir::Graph>> g = LoadModel("net.kir", ctx);
//   Status s = SaveModel(**g, "out.kir");   // written atomically
#pragma once

#include <memory>
#include <string>

#include "ir/graph.h"
#include "ir/status.h"

namespace kiln::cli {

Expected<std::unique_ptr<ir::Graph>> LoadModel(const std::string& path, ir::Context& ctx);
// Parses and verifies textual IR already read from `path` (errors name `path`).
Expected<std::unique_ptr<ir::Graph>> ParseModelText(std::string_view text, const std::string& path,
                                                    ir::Context& ctx);
// Checks that `path` names a format SaveModel can write ("-" is standard output, as text).
Status CheckOutputPath(const std::string& path);
Status SaveModel(const ir::Graph& graph, const std::string& path);

}  // namespace kiln::cli
