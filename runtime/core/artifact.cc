#include "runtime/core/artifact.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "runtime/core/artifact_checks.h"
#include "runtime/core/artifact_checksum.h"
#include "runtime/core/artifact_format.h"
#include "runtime/core/packed_constant.h"

namespace kiln::rt {
namespace {

Status FileError(const std::string& path, const std::string& what) {
  return Status::Error("'" + path + "': " + what);
}

// Closes a file descriptor on every path out of Load.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Bytes 4..7 are the FlatBuffers file identifier "KILN".
bool HasArtifactIdentifier(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data() + 4, kArtifactIdentifier, 4) == 0;
}

// Splits off the checksum trailer and, when `verify`, compares the checksum with the bytes.
Result<ChecksumTrailer> CheckTrailer(std::span<const uint8_t> bytes, const std::string& name,
                                     bool verify) {
  std::optional<ChecksumTrailer> trailer = SplitChecksumTrailer(bytes);
  if (!trailer) {
    // Something that is no artifact at all says so (the header check words it), rather than
    // that its trailer is missing.
    if (!HasArtifactIdentifier(bytes)) {
      Result<const artifact::Model*> header = CheckArtifactHeader(bytes, name, "");
      if (!header.ok()) return header.status();
    }
    return FileError(name,
                     "checksum trailer missing: the file is truncated or corrupt, or older than "
                     "format version " +
                         std::to_string(kChecksumTrailerFormatVersion) + " (recompile the model)");
  }
  if (verify && ArtifactChecksum(trailer->body) != trailer->stored) {
    return FileError(name, "checksum mismatch: the file is corrupt or truncated");
  }
  return *trailer;
}

}  // namespace

void Artifact::AlignedFree::operator()(uint8_t* p) const {
  ::operator delete[](p, std::align_val_t(kArtifactAlignment));
}

Artifact::~Artifact() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapping_size_);
}

Result<std::unique_ptr<Artifact>> Artifact::Load(const std::string& path,
                                                 std::string_view expected_target) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return FileError(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return FileError(path, std::string("cannot stat: ") + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return FileError(path, "not a regular file");
  std::unique_ptr<Artifact> artifact(new Artifact());
  artifact->name_ = path;
  const auto size = static_cast<size_t>(st.st_size);
  if (size > 0) {
    void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (mapping == MAP_FAILED) {
      return FileError(path, std::string("cannot map: ") + std::strerror(errno));
    }
    artifact->mapping_ = mapping;
    artifact->mapping_size_ = size;
    artifact->bytes_ = std::span<const uint8_t>(static_cast<const uint8_t*>(mapping), size);
  }
  return Check(std::move(artifact), expected_target, /*verify_checksum=*/true);
}

Result<std::unique_ptr<Artifact>> Artifact::FromBytes(std::span<const uint8_t> bytes,
                                                      std::string name,
                                                      std::string_view expected_target) {
  Result<std::unique_ptr<Artifact>> artifact = Copy(bytes, std::move(name));
  if (!artifact.ok()) return artifact.status();
  return Check(std::move(*artifact), expected_target, /*verify_checksum=*/true);
}

Result<std::unique_ptr<Artifact>> Artifact::FromBytesIgnoringChecksum(
    std::span<const uint8_t> bytes, std::string name, std::string_view expected_target) {
  Result<std::unique_ptr<Artifact>> artifact = Copy(bytes, std::move(name));
  if (!artifact.ok()) return artifact.status();
  return Check(std::move(*artifact), expected_target, /*verify_checksum=*/false);
}

Result<std::unique_ptr<Artifact>> Artifact::Copy(std::span<const uint8_t> bytes, std::string name) {
  std::unique_ptr<Artifact> artifact(new Artifact());
  artifact->name_ = std::move(name);
  if (!bytes.empty()) {
    artifact->owned_.reset(static_cast<uint8_t*>(
        ::operator new[](bytes.size(), std::align_val_t(kArtifactAlignment), std::nothrow)));
    if (!artifact->owned_) {
      return FileError(artifact->name_,
                       "out of memory copying " + std::to_string(bytes.size()) + " bytes");
    }
    std::memcpy(artifact->owned_.get(), bytes.data(), bytes.size());
    artifact->bytes_ = std::span<const uint8_t>(artifact->owned_.get(), bytes.size());
  }
  return artifact;
}

Result<std::unique_ptr<Artifact>> Artifact::Check(std::unique_ptr<Artifact> artifact,
                                                  std::string_view expected_target,
                                                  bool verify_checksum) {
  Result<ChecksumTrailer> trailer =
      CheckTrailer(artifact->bytes_, artifact->name_, verify_checksum);
  if (!trailer.ok()) return trailer.status();
  artifact->flatbuffer_ = trailer->body;
  artifact->checksum_ = trailer->stored;
  artifact->checksum_verified_ = verify_checksum;
  Result<const artifact::Model*> model =
      CheckArtifactHeader(artifact->flatbuffer_, artifact->name_, expected_target);
  if (!model.ok()) return model.status();
  TensorLifetimes lifetimes;
  if (Status s = CheckArtifactModel(**model, artifact->flatbuffer_, artifact->name_, lifetimes);
      !s.ok()) {
    return s;
  }
  artifact->model_ = *model;
  artifact->producer_ = std::move(lifetimes.producer);
  artifact->last_use_ = std::move(lifetimes.last_use);
  if (Status s = artifact->DecodePackedConstants(); !s.ok()) return s;
  return artifact;
}

Status Artifact::DecodePackedConstants() {
  // One allocation: an offset per tensor, then each packed constant's values at the offset of
  // its own, 64-byte aligned. The checks bounded each size (its element count's bits fit in
  // int64); a sum that overflows fails the allocation.
  const auto& tensors = *model_->tensors();
  auto aligned = [](size_t bytes) { return (bytes + 63) & ~size_t{63}; };
  const size_t header = aligned(tensors.size() * sizeof(size_t));
  size_t total = header;
  bool any = false;
  for (const artifact::Tensor* tensor : tensors) {
    if (tensor->packed() == nullptr) continue;
    any = true;
    if (__builtin_add_overflow(total, aligned(PackedElementCount(*tensor) * 4), &total)) {
      total = SIZE_MAX;
    }
  }
  if (!any) return Status::Ok();
  decoded_.reset(static_cast<uint8_t*>(
      ::operator new[](total, std::align_val_t(kArtifactAlignment), std::nothrow)));
  if (!decoded_) return FileError(name_, "out of memory decoding packed constants");
  auto* offsets = reinterpret_cast<size_t*>(decoded_.get());
  size_t at = header;
  for (flatbuffers::uoffset_t t = 0; t < tensors.size(); ++t) {
    const artifact::Tensor& tensor = *tensors.Get(t);
    if (tensor.packed() == nullptr) continue;
    offsets[t] = at;
    if (tensor.bytes() > 0) {  // else no elements, and maybe no blob
      DecodePackedConstant(tensor, model_->constants()->data() + tensor.offset(),
                           reinterpret_cast<float*>(decoded_.get() + at));
    }
    at += aligned(PackedElementCount(tensor) * 4);
  }
  return Status::Ok();
}

std::span<const uint8_t> Artifact::ConstantBytes(int tensor_index) const {
  if (tensor_index < 0 || tensor_index >= num_tensors()) return {};
  const artifact::Tensor& tensor = *model_->tensors()->Get(tensor_index);
  if (tensor.storage() != artifact::Storage::Constant || tensor.bytes() == 0) return {};
  if (tensor.packed()) {
    const size_t at = reinterpret_cast<const size_t*>(decoded_.get())[tensor_index];
    return std::span<const uint8_t>(decoded_.get() + at, PackedElementCount(tensor) * 4);
  }
  return std::span<const uint8_t>(model_->constants()->data() + tensor.offset(), tensor.bytes());
}

std::optional<int64_t> Artifact::DimMax(std::string_view symbol) const {
  return rt::DimMax(*model_, symbol);
}

}  // namespace kiln::rt
