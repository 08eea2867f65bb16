// `kiln run MODEL --input NAME=FILE.npy ... --output-dir DIR`: runs a model on the reference
// runtime (for .onnx and .kir) and writes one DIR/<output name>.npy per graph output.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include "ir/context.h"
#include "runtime/core/npy.h"
#include "runtime/reference/interpreter/executor.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "tools/kiln/cli_error.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/model_io.h"
#include "tools/kiln/output_names.h"
#include "tools/kiln/tensor_npy.h"

namespace kiln::cli {
namespace {

// "x=in.npy" -> {"x", "in.npy"}; a bare "in.npy" names the model's only input.
Expected<std::map<std::string, std::string>> ParseInputFlags(const std::vector<std::string>& flags,
                                                             const ir::Graph& graph) {
  std::map<std::string, std::string> files;
  for (const std::string& flag : flags) {
    size_t eq = flag.find('=');
    std::string name, file;
    if (eq == std::string::npos) {
      if (graph.num_inputs() != 1) {
        return Status::Error("--input '" + flag + "': the model has " +
                             std::to_string(graph.num_inputs()) +
                             " inputs, so write NAME=FILE.npy");
      }
      name = graph.input(0)->name();
      file = flag;
    } else {
      name = flag.substr(0, eq);
      file = flag.substr(eq + 1);
    }
    if (!files.emplace(name, file).second) {
      return Status::Error("--input '" + name + "' is given twice");
    }
  }
  return files;
}

std::string InputList(const ir::Graph& graph) {
  std::string list;
  for (int i = 0; i < graph.num_inputs(); ++i) {
    list += (i ? ", " : "") + graph.input(i)->name() + " " + graph.input(i)->type()->ToString();
  }
  return list;
}

Expected<std::vector<ref::Tensor>> ReadInputs(const RunOptions& options, const ir::Graph& graph) {
  Expected<std::map<std::string, std::string>> files = ParseInputFlags(options.inputs, graph);
  if (!files) return files.error();
  std::vector<ref::Tensor> tensors;
  std::set<std::string> used;
  for (int i = 0; i < graph.num_inputs(); ++i) {
    const ir::Value* input = graph.input(i);
    auto it = files->find(input->name());
    if (it == files->end()) {
      return Status::Error(options.model + ": no --input for model input '" + input->name() +
                           "' (inputs: " + InputList(graph) + ")");
    }
    used.insert(it->first);
    rt::Result<rt::NpyArray> array = rt::ReadNpy(it->second);
    if (!array.ok()) return Status::Error(array.status().message());
    Expected<ref::Tensor> tensor = TensorFromNpy(*array, "'" + it->second + "'");
    if (!tensor) return tensor.error();
    if (tensor->dtype() != ref::DTypeOf(input->type()->scalar())) {
      return Status::Error(fmt::format("'{}': dtype {} does not match model input '{}' of type {}",
                                       it->second, rt::DTypeName(tensor->dtype()), input->name(),
                                       input->type()->ToString()));
    }
    tensors.push_back(std::move(*tensor));
  }
  for (const auto& [name, file] : *files) {
    if (!used.contains(name)) {
      return Status::Error(options.model + ": the model has no input '" + name +
                           "' (inputs: " + InputList(graph) + ")");
    }
  }
  return tensors;
}

}  // namespace

Status RunRun(const RunOptions& options, std::ostream& out) {
  if (options.threads < 1) return Status::Error("--threads must be at least 1");
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> graph = LoadModel(options.model, ctx);
  if (!graph) return graph.error();
  Expected<std::vector<ref::Tensor>> inputs = ReadInputs(options, **graph);
  if (!inputs) return inputs.error();

  std::unique_ptr<ref::Executor> executor = ref::CreateReferenceExecutor(**graph);
  auto start = std::chrono::steady_clock::now();
  ref::RunOptions run_options;
  run_options.threads = options.threads;
  Expected<std::vector<ref::Tensor>> outputs = executor->Run(*inputs, run_options);
  if (!outputs) return Status::Error(options.model + ": " + outputs.error().message());
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  // Everything that can fail before writing has been checked; now write every output.
  std::error_code ec;
  std::filesystem::create_directories(options.output_dir, ec);
  if (ec) return Status::Error("'" + options.output_dir + "': " + ec.message());
  std::vector<std::string> names;
  for (int i = 0; i < (*graph)->num_outputs(); ++i) {
    std::string name = (*graph)->output_name(i);
    names.push_back(name.empty() ? (*graph)->output(i)->name() : name);
  }
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
  if (!options.quiet) out << fmt::format("ran in {:.1f} ms on {} thread(s)\n", ms, options.threads);
  return Status::Ok();
}

void AddRunCommand(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run a model on .npy inputs (reference runtime)");
  cmd->add_option("model", options->model, "Model (.onnx or .kir)")->required();
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
