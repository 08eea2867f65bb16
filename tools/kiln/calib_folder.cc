#include "tools/kiln/calib_folder.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "ir/printer.h"
#include "runtime/core/npy.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "tools/kiln/tensor_npy.h"

namespace kiln::cli {
namespace fs = std::filesystem;
namespace {

// The `*.npy` files directly in `dir`, sorted by name.
Expected<std::vector<std::string>> NpyFiles(const fs::path& dir) {
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".npy" && it->is_regular_file(ec)) {
      files.push_back(it->path().string());
    }
  }
  if (ec) return Status::Error("'" + dir.string() + "': " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

Expected<std::unique_ptr<FolderSource>> FolderSource::Open(const std::string& dir,
                                                           const ir::Graph& graph) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::Error("'" + dir + "': the calibration data must be a folder of .npy files");
  }
  auto source = std::unique_ptr<FolderSource>(new FolderSource());
  for (int i = 0; i < graph.num_inputs(); ++i) {
    const ir::Value* v = graph.input(i);
    InputSpec spec{v->name(), ref::DTypeOf(v->type()->scalar()), {}, ir::PrintType(*v->type())};
    if (v->type()->shape().is_ranked()) {
      for (const ir::Dim& d : v->type()->shape().dims())
        spec.dims.push_back(d.is_static() ? d.size() : -1);
    }
    source->inputs_.push_back(std::move(spec));
  }
  if (source->inputs_.empty()) return Status::Error("the model has no inputs to calibrate");

  std::vector<std::vector<std::string>> per_input;
  if (source->inputs_.size() == 1) {
    Expected<std::vector<std::string>> files = NpyFiles(dir);
    if (!files) return files.error();
    const fs::path sub = fs::path(dir) / source->inputs_[0].name;
    if (files->empty() && fs::is_directory(sub, ec)) files = NpyFiles(sub);
    if (!files) return files.error();
    per_input.push_back(std::move(*files));
  } else {
    for (const InputSpec& in : source->inputs_) {
      const fs::path sub = fs::path(dir) / in.name;
      if (!fs::is_directory(sub, ec)) {
        return Status::Error(
            "'" + dir + "': the model has " + std::to_string(source->inputs_.size()) +
            " inputs; expected a subfolder per input, '" + sub.string() + "' is missing");
      }
      Expected<std::vector<std::string>> files = NpyFiles(sub);
      if (!files) return files.error();
      if (!per_input.empty() && files->size() != per_input[0].size()) {
        return Status::Error("'" + sub.string() + "': " + std::to_string(files->size()) +
                             " .npy files, but '" + source->inputs_[0].name + "' has " +
                             std::to_string(per_input[0].size()));
      }
      per_input.push_back(std::move(*files));
    }
  }
  if (per_input[0].empty()) return Status::Error("'" + dir + "': no .npy files");
  for (size_t b = 0; b < per_input[0].size(); ++b) {
    std::vector<std::string> batch;
    for (const std::vector<std::string>& files : per_input) batch.push_back(files[b]);
    source->files_.push_back(std::move(batch));
  }
  return source;
}

Expected<std::optional<std::vector<ref::Tensor>>> FolderSource::Next() {
  if (next_ >= files_.size()) return std::optional<std::vector<ref::Tensor>>();
  const std::vector<std::string>& paths = files_[next_++];
  std::vector<ref::Tensor> tensors;
  for (size_t i = 0; i < paths.size(); ++i) {
    const InputSpec& in = inputs_[i];
    rt::Result<rt::NpyArray> array = rt::ReadNpy(paths[i]);
    if (!array.ok()) return Status::Error(array.status().message());
    Expected<ref::Tensor> t = TensorFromNpy(*array, paths[i]);
    if (!t) return t.error();
    if (t->dtype() != in.dtype) {
      return Status::Error("'" + paths[i] + "': dtype " + std::string(rt::DTypeName(t->dtype())) +
                           " does not fit input '" + in.name + "' " + in.type);
    }
    ref::Tensor x = *t;
    // One sample: add the batch dim.
    if (!in.dims.empty() && x.rank() + 1 == static_cast<int>(in.dims.size())) {
      std::vector<int64_t> shape = x.shape();
      shape.insert(shape.begin(), 1);
      x = x.WithShape(shape);
    }
    bool fits = in.dims.empty() || x.rank() == static_cast<int>(in.dims.size());
    for (size_t d = 0; fits && d < in.dims.size(); ++d) {
      fits = in.dims[d] < 0 || in.dims[d] == x.dim(static_cast<int>(d));
    }
    if (!fits) {
      return Status::Error("'" + paths[i] + "': shape " + ShapeText(t->shape()) +
                           " does not fit input '" + in.name + "' " + in.type);
    }
    tensors.push_back(std::move(x));
  }
  return std::optional<std::vector<ref::Tensor>>(std::move(tensors));
}

}  // namespace kiln::cli
