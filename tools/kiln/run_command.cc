// `kiln run MODEL --input NAME=FILE.npy ... --output-dir DIR`: runs a model (.onnx and .kir on
// the reference runtime, a .kiln artifact on its target's runtime) and writes one
// DIR/<output name>.npy per model output.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include "ir/context.h"
#include "runtime/core/npy.h"
#include "tools/kiln/cli_error.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/input_files.h"
#include "tools/kiln/output_names.h"
#include "tools/kiln/runnable_model.h"
#include "tools/kiln/tensor_npy.h"

namespace kiln::cli {

Status RunRun(const RunOptions& options, std::ostream& out) {
  ir::Context ctx;
  Expected<std::unique_ptr<RunnableModel>> model =
      OpenRunnableModel(options.model, {.threads = options.threads}, ctx);
  if (!model) return model.error();
  Expected<std::vector<ref::Tensor>> inputs =
      ReadInputFiles(options.inputs, **model, options.model);
  if (!inputs) return inputs.error();

  auto start = std::chrono::steady_clock::now();
  Expected<std::vector<ref::Tensor>> outputs = (*model)->Run(*inputs);
  if (!outputs) {
    const std::string& message = outputs.error().message();
    // The cloud runtime's messages already start with the quoted file name.
    return Status::Error(message.starts_with("'") ? message : options.model + ": " + message);
  }
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  // Everything that can fail before writing has been checked; now write every output.
  std::error_code ec;
  std::filesystem::create_directories(options.output_dir, ec);
  if (ec) return Status::Error("'" + options.output_dir + "': " + ec.message());
  const std::vector<std::string>& names = (*model)->output_names();
  std::vector<std::string> files = OutputFileNames(names);
  for (size_t i = 0; i < files.size(); ++i) {
    std::string path = (std::filesystem::path(options.output_dir) / files[i]).string();
    if (rt::Status s = rt::WriteNpy(path, NpyFromTensor((*outputs)[i])); !s.ok()) {
      return Status::Error(s.message());
    }
    if (!options.quiet) {
      out << fmt::format("{} {} -> {}\n", names[i], ref::ShapeString((*outputs)[i].shape()), path);
    }
  }
  if (!options.quiet) {
    out << fmt::format("ran in {:.1f} ms on {} thread(s), {} runtime\n", ms, options.threads,
                       (*model)->runtime_name());
  }
  return Status::Ok();
}

void AddRunCommand(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a model on .npy inputs (.onnx/.kir: reference runtime; .kiln: its target's)");
  cmd->add_option("model", options->model, "Model (.onnx, .kir or .kiln)")->required();
  cmd->add_option("-i,--input", options->inputs,
                  "NAME=FILE.npy for each model input (FILE.npy alone if there is one input)")
      ->required();
  cmd->add_option("-d,--output-dir", options->output_dir,
                  "Directory for DIR/<output name>.npy (created if missing)")
      ->required();
  cmd->add_option("-t,--threads", options->threads, "Threads for the kernels")->default_val(1);
  cmd->add_flag("-q,--quiet", options->quiet, "Print nothing on success");
  cmd->footer(
      "Output names are made file-name safe: characters outside [A-Za-z0-9._-] become '_';\n"
      "a clash gets _2, _3, ...");
  cmd->callback([options] { ExitOnError(RunRun(*options, std::cout)); });
}

}  // namespace kiln::cli
