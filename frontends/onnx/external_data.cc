#include "frontends/onnx/external_data.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "ir/str_cat.h"

namespace kiln::onnx_import {
namespace {

using ir::StrCat;

// Bytes inside a read-only mapping of a file; unmapped when the last user lets go.
class MappedTensorData final : public ir::TensorData {
 public:
  MappedTensorData(void* map, size_t map_size, const uint8_t* data, size_t size)
      : map_(map), map_size_(map_size), data_(data), size_(size) {}
  MappedTensorData(const MappedTensorData&) = delete;
  MappedTensorData& operator=(const MappedTensorData&) = delete;
  ~MappedTensorData() override {
    if (map_) munmap(map_, map_size_);
  }
  const uint8_t* data() const override { return data_; }
  size_t size() const override { return size_; }

 private:
  void* map_;
  size_t map_size_;
  const uint8_t* data_;
  size_t size_;
};

// Closes a file descriptor on every path out of ReadExternalData.
class FileCloser {
 public:
  explicit FileCloser(int fd) : fd_(fd) {}
  FileCloser(const FileCloser&) = delete;
  FileCloser& operator=(const FileCloser&) = delete;
  ~FileCloser() {
    if (fd_ >= 0) close(fd_);
  }

 private:
  int fd_;
};

Expected<int64_t> ParseNonNegative(std::string_view key, const std::string& text) {
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::Error(StrCat("external data ", key, " '", text, "' is not a number"));
  }
  return static_cast<int64_t>(std::strtoll(text.c_str(), nullptr, 10));
}

bool HasDotDotComponent(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == "..") return true;
    start = end + 1;
  }
  return false;
}

std::string RealPath(const std::string& path) {
  char* resolved = realpath(path.c_str(), nullptr);
  if (!resolved) return "";
  std::string out(resolved);
  std::free(resolved);
  return out;
}

}  // namespace

Expected<std::shared_ptr<const ir::TensorData>> ReadExternalData(const onnx::TensorProto& tensor,
                                                                 const std::string& model_dir,
                                                                 int64_t expected_bytes) {
  std::string location;
  int64_t offset = 0;
  int64_t length = -1;
  for (const onnx::StringStringEntryProto& entry : tensor.external_data()) {
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset") {
      Expected<int64_t> v = ParseNonNegative("offset", entry.value());
      if (!v) return v.error();
      offset = *v;
    } else if (entry.key() == "length") {
      Expected<int64_t> v = ParseNonNegative("length", entry.value());
      if (!v) return v.error();
      length = *v;
    }
  }
  if (location.empty()) return Status::Error("external data has no location");
  if (model_dir.empty()) {
    return Status::Error("external data needs the model's directory (model read from memory)");
  }
  if (location[0] == '/' || HasDotDotComponent(location) ||
      location.find('\0') != std::string::npos) {
    return Status::Error(
        StrCat("external data location '", location, "' must be a relative path without '..'"));
  }
  std::string dir_real = RealPath(model_dir);
  std::string file_real = RealPath(model_dir + "/" + location);
  if (dir_real.empty())
    return Status::Error(StrCat("cannot resolve model directory '", model_dir, "'"));
  if (file_real.empty()) {
    return Status::Error(StrCat("external data file '", location, "': ", std::strerror(errno)));
  }
  if (file_real.compare(0, dir_real.size() + 1, dir_real + "/") != 0) {
    return Status::Error(
        StrCat("external data location '", location, "' resolves outside the model directory"));
  }

  int fd = open(file_real.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::Error(StrCat("external data file '", location, "': ", std::strerror(errno)));
  }
  FileCloser closer(fd);
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::Error(StrCat("external data file '", location, "' is not a regular file"));
  }
  int64_t file_size = st.st_size;
  if (offset > file_size) {
    return Status::Error(StrCat("external data offset ", offset, " is beyond the end of '",
                                location, "' (", file_size, " bytes)"));
  }
  if (length < 0) length = file_size - offset;
  if (length > file_size - offset) {
    return Status::Error(StrCat("external data [", offset, ", ", offset, "+", length,
                                ") is beyond the end of '", location, "' (", file_size, " bytes)"));
  }
  if (length != expected_bytes) {
    return Status::Error(
        StrCat("external data has ", length, " bytes, but the tensor needs ", expected_bytes));
  }
  if (length == 0) return ir::TensorData::FromBytes({});

  // mmap offsets must be page-aligned: map from the page holding `offset`.
  int64_t page = sysconf(_SC_PAGESIZE);
  int64_t map_offset = offset - offset % page;
  size_t map_size = static_cast<size_t>(offset - map_offset + length);
  void* map = mmap(nullptr, map_size, PROT_READ, MAP_PRIVATE, fd, map_offset);
  if (map == MAP_FAILED) {
    return Status::Error(
        StrCat("cannot map external data file '", location, "': ", std::strerror(errno)));
  }
  const uint8_t* data = static_cast<const uint8_t*>(map) + (offset - map_offset);
  return std::shared_ptr<const ir::TensorData>(
      std::make_shared<MappedTensorData>(map, map_size, data, static_cast<size_t>(length)));
}

}  // namespace kiln::onnx_import
