#include "frontends/onnx/tensor_file.h"

#include <onnx/onnx_pb.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <sstream>

#include "frontends/onnx/import_state.h"
#include "frontends/onnx/tensor_import.h"
#include "ir/str_cat.h"

namespace kiln::onnx_import {

Expected<ImportedTensor> ReadTensorProtoFile(const std::string& path, ir::Context& ctx) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(ir::StrCat(path, ": cannot open: ", std::strerror(errno)));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string bytes = std::move(buffer).str();
  onnx::TensorProto proto;
  if (bytes.size() > INT_MAX ||
      !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Error(path + ": not a serialized ONNX TensorProto");
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  Expected<ImportedTensor> tensor = ImportTensor(proto, ctx, dir);
  if (!tensor) return Status::Error(OneLine(path + ": " + tensor.error().message()));
  return tensor;
}

}  // namespace kiln::onnx_import
