#include <CLI/CLI.hpp>
#include <filesystem>

#include "ir/context.h"
#include "runtime/core/artifact.h"
#include "runtime/core/artifact_format.h"
#include "tools/kiln/artifact_summary.h"
#include "tools/kiln/cli_error.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/graph_summary.h"
#include "tools/kiln/model_io.h"

namespace kiln::cli {

Status RunInspect(const InspectOptions& options, std::ostream& out) {
  if (std::filesystem::path(options.input).extension() == rt::kArtifactExtension) {
    // Any target: inspecting is not running.
    rt::Result<std::unique_ptr<rt::Artifact>> artifact = rt::Artifact::Load(options.input, "");
    if (!artifact.ok()) return Status::Error(artifact.status().message());
    out << SummarizeArtifact(**artifact);
    return Status::Ok();
  }
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> graph = LoadModel(options.input, ctx);
  if (!graph) return graph.error();
  out << SummarizeGraph(**graph);
  return Status::Ok();
}

void AddInspectCommand(CLI::App& app) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* cmd =
      app.add_subcommand("inspect", "Print a model's inputs, outputs, op counts and parameters");
  cmd->add_option("input", options->input, "Model (.onnx, .kir or .kiln)")->required();
  cmd->callback([options] { ExitOnError(RunInspect(*options, std::cout)); });
}

}  // namespace kiln::cli
