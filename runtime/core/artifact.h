// A loaded, checked `.kiln` artifact: what every runtime executes and `kiln inspect` prints.
//
// Loading maps the file read-only (or copies given bytes into aligned storage), checks the
// checksum trailer (artifact_checksum.h: any flipped bit, cut or appended byte is an error), then
// runs every check of artifact_checks.h on the FlatBuffer before it: after that, every index,
// offset and size reachable from model() is in range, constants and arena slots lie inside their
// blobs, each arena tensor has one writer that runs before its readers, and live arena slots do not
// overlap except as planned in-place pairs. Then packed constants (packed_constant.h) are decoded
// to f32, once. A corrupt or hostile file is a one-line error naming it, never a crash. (A mapped
// file that another process truncates while it is loaded is outside this promise.)
//
//   Result<std::unique_ptr<Artifact>> a = Artifact::Load("m.kiln", "cloud");
//   if (!a.ok()) return a.status();   // "'m.kiln': compiled for target 'edge'; this is ..."
//   for (const artifact::Op* op : *(*a)->model().ops()) Prepare(*op);
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codegen/schema/kiln_artifact_generated.h"
#include "runtime/core/result.h"

namespace kiln::rt {

class Artifact {
 public:
  // Maps the file read-only and checks it. `expected_target` "cloud"/"edge"; empty accepts any.
  static Result<std::unique_ptr<Artifact>> Load(const std::string& path,
                                                std::string_view expected_target);
  // Checks bytes already in memory: copies them into owned 64-byte-aligned storage. `name` is
  // used in messages.
  static Result<std::unique_ptr<Artifact>> FromBytes(std::span<const uint8_t> bytes,
                                                     std::string name,
                                                     std::string_view expected_target);
  // For the libFuzzer target only (tests/fuzz/artifact_loader_fuzz.cc): FromBytes, but the
  // trailer's checksum is not compared (the trailer must still be there), so mutated inputs
  // reach the structural checks instead of all stopping at the checksum. Never for real files.
  static Result<std::unique_ptr<Artifact>> FromBytesIgnoringChecksum(
      std::span<const uint8_t> bytes, std::string name, std::string_view expected_target);

  ~Artifact();
  Artifact(const Artifact&) = delete;
  Artifact& operator=(const Artifact&) = delete;

  // Every index, offset and size reachable from here has been checked.
  const artifact::Model& model() const { return *model_; }
  // The path, or the name given to FromBytes.
  const std::string& name() const { return name_; }
  // The FlatBuffer: the file without its 16-byte checksum trailer. 64-byte aligned.
  std::span<const uint8_t> file_bytes() const { return flatbuffer_; }
  // The whole file's size, trailer included.
  size_t file_size() const { return bytes_.size(); }
  // The checksum the trailer records; compared with the bytes at load unless the artifact came
  // from FromBytesIgnoringChecksum.
  uint64_t checksum() const { return checksum_; }
  bool checksum_verified() const { return checksum_verified_; }

  int num_tensors() const { return static_cast<int>(producer_.size()); }
  int num_ops() const { return static_cast<int>(model_->ops()->size()); }
  // A Storage::Constant tensor's bytes (64-byte aligned); empty for any other tensor or index.
  // For a packed constant, its values decoded to f32 (4 bytes per element, owned by the
  // Artifact), not the codes in the file.
  std::span<const uint8_t> ConstantBytes(int tensor_index) const;
  // The op index that writes `tensor` (-1 for inputs and constants), and the last op index that
  // reads it (num_ops() for model outputs; an unread arena tensor's producer; -1 for an unread
  // input or constant). Computed while checking.
  int producer(int tensor) const { return producer_[tensor]; }
  int last_use(int tensor) const { return last_use_[tensor]; }
  // The planned maximum of a symbolic dim; nullopt for a symbol the model does not bound.
  std::optional<int64_t> DimMax(std::string_view symbol) const;

 private:
  Artifact() = default;
  // Checks bytes_ (already owned or mapped) and fills the rest.
  static Result<std::unique_ptr<Artifact>> Check(std::unique_ptr<Artifact> artifact,
                                                 std::string_view expected_target,
                                                 bool verify_checksum);
  // Copies `bytes` into owned 64-byte-aligned storage.
  static Result<std::unique_ptr<Artifact>> Copy(std::span<const uint8_t> bytes, std::string name);
  // Decodes every packed constant of the checked model into decoded_.
  Status DecodePackedConstants();

  struct AlignedFree {
    void operator()(uint8_t* p) const;
  };

  std::string name_;
  std::span<const uint8_t> bytes_;       // the whole file
  std::span<const uint8_t> flatbuffer_;  // bytes_ without the trailer
  uint64_t checksum_ = 0;
  bool checksum_verified_ = false;
  void* mapping_ = nullptr;  // munmap'ed on destruction when set
  size_t mapping_size_ = 0;
  std::unique_ptr<uint8_t[], AlignedFree> owned_;
  // Null without packed constants; else the offset of each tensor's decoded values (as size_t,
  // one per tensor; packed constants only), then the values, 64-byte aligned.
  std::unique_ptr<uint8_t[], AlignedFree> decoded_;
  const artifact::Model* model_ = nullptr;
  std::vector<int> producer_, last_use_;
};

}  // namespace kiln::rt
