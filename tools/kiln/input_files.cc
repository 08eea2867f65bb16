#include "tools/kiln/input_files.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "runtime/core/npy.h"
#include "tools/kiln/tensor_npy.h"

namespace kiln::cli {
namespace {

// "x=in.npy" -> {"x", "in.npy"}; a bare "in.npy" names the model's only input.
Expected<std::map<std::string, std::string>> ParseInputFlags(const std::vector<std::string>& flags,
                                                             const RunnableModel& model) {
  std::map<std::string, std::string> files;
  for (const std::string& flag : flags) {
    size_t eq = flag.find('=');
    std::string name, file;
    if (eq == std::string::npos) {
      if (model.inputs().size() != 1) {
        return Status::Error("--input '" + flag + "': the model has " +
                             std::to_string(model.inputs().size()) +
                             " inputs, so write NAME=FILE.npy");
      }
      name = model.inputs()[0].name;
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

std::string InputList(const RunnableModel& model) {
  std::string list;
  for (const ModelInput& input : model.inputs()) {
    list += (list.empty() ? "" : ", ") + input.name + " " + input.type;
  }
  return list;
}

}  // namespace

Expected<std::vector<ref::Tensor>> ReadInputFiles(const std::vector<std::string>& flags,
                                                  const RunnableModel& model,
                                                  const std::string& model_path) {
  Expected<std::map<std::string, std::string>> files = ParseInputFlags(flags, model);
  if (!files) return files.error();
  std::vector<ref::Tensor> tensors;
  std::set<std::string> used;
  for (const ModelInput& input : model.inputs()) {
    auto it = files->find(input.name);
    if (it == files->end()) {
      return Status::Error(model_path + ": no --input for model input '" + input.name +
                           "' (inputs: " + InputList(model) + ")");
    }
    used.insert(it->first);
    rt::Result<rt::NpyArray> array = rt::ReadNpy(it->second);
    if (!array.ok()) return Status::Error(array.status().message());
    Expected<ref::Tensor> tensor = TensorFromNpy(*array, "'" + it->second + "'");
    if (!tensor) return tensor.error();
    if (tensor->dtype() != input.dtype) {
      return Status::Error(fmt::format("'{}': dtype {} does not match model input '{}' of type {}",
                                       it->second, rt::DTypeName(tensor->dtype()), input.name,
                                       input.type));
    }
    tensors.push_back(std::move(*tensor));
  }
  for (const auto& [name, file] : *files) {
    if (!used.contains(name)) {
      return Status::Error(model_path + ": the model has no input '" + name +
                           "' (inputs: " + InputList(model) + ")");
    }
  }
  return tensors;
}

}  // namespace kiln::cli
