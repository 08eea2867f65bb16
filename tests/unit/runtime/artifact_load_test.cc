// Loading whole artifacts: a valid one from bytes and from a file, and the header-level
// rejections (size, identifier, verifier, version, target), truncation of the FlatBuffer at every
// length and single-bit flips everywhere in it. Those broken FlatBuffers are sealed with a valid
// checksum trailer, so these tests reach the structural checks behind the checksum (what a
// corrupting writer, or someone editing a file and recomputing the trailer, would hand the
// loader). The checksum itself is tested in artifact_integrity_test.cc, field-level checks in
// artifact_checks_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/core/artifact.h"
#include "runtime/core/artifact_checksum.h"
#include "runtime/core/artifact_format.h"
#include "runtime/core/op_attrs.h"
#include "tests/unit/runtime/artifact_invariants.h"
#include "tests/unit/runtime/artifact_test_builder.h"

namespace kiln::rt {
namespace {

using test::BuildArtifact;
using test::BuildFlatBuffer;
using test::ModelSpec;
using test::Seal;
using test::TinyModel;
using ::testing::HasSubstr;
using ::testing::StartsWith;

Result<std::unique_ptr<Artifact>> LoadBytes(const std::vector<uint8_t>& bytes,
                                            std::string_view target = "cloud") {
  return Artifact::FromBytes(bytes, "m.kiln", target);
}

std::string LoadError(const std::vector<uint8_t>& bytes, std::string_view target = "cloud") {
  Result<std::unique_ptr<Artifact>> a = LoadBytes(bytes, target);
  EXPECT_FALSE(a.ok());
  return a.ok() ? "" : a.status().message();
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "artifact_test.XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::vector<uint8_t>& bytes) const {
    std::string path = path_ + "/" + name;
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return path;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A chain of `num_ops` unary ops over [N,16] f32 tensors in two arena slots: op i writes in
// place of its input on odd i and switches slots every second op. Big enough that truncation
// samples and timing mean something.
ModelSpec ChainModel(int num_ops) {
  ModelSpec m;
  m.graph_name = "chain";
  m.dims = {{"N", 2}};
  m.tensors.push_back(
      {.name = "x", .shape = {-1, 16}, .symbols = {"N", ""}, .storage = test::Storage::Input});
  m.inputs = {0};
  for (int i = 0; i < num_ops; ++i) {
    // Tensor i + 1 is written by op i; slots 0 and 1 alternate every second op, and op i
    // writes in place of its input on odd i.
    uint64_t slot = static_cast<uint64_t>((i / 2) % 2);
    m.tensors.push_back({.name = "t" + std::to_string(i + 1),
                         .shape = {-1, 16},
                         .symbols = {"N", ""},
                         .offset = slot * 128,
                         .bytes = 128});
    m.ops.push_back({.kernel = i % 2 ? "relu" : "neg",
                     .name = "op" + std::to_string(i),
                     .inputs = {i},
                     .outputs = {i + 1},
                     .attrs = {test::IntAttr("index", i)}});
  }
  m.outputs = {num_ops};
  m.arena_bytes = 256;
  return m;
}

TEST(ArtifactLoadTest, LoadsTinyModelFromBytes) {
  std::vector<uint8_t> bytes = BuildArtifact(TinyModel());
  Result<std::unique_ptr<Artifact>> a = LoadBytes(bytes);
  ASSERT_TRUE(a.ok()) << a.status().message();
  const Artifact& artifact = **a;
  EXPECT_EQ(artifact.name(), "m.kiln");
  EXPECT_EQ(artifact.num_tensors(), 7);
  EXPECT_EQ(artifact.num_ops(), 3);
  EXPECT_EQ(artifact.model().graph_name()->str(), "tiny");
  EXPECT_EQ(artifact.file_size(), bytes.size());
  EXPECT_EQ(artifact.file_bytes().size(), bytes.size() - kChecksumTrailerBytes);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(artifact.file_bytes().data()) % 64, 0u);
  EXPECT_TRUE(artifact.checksum_verified());
  EXPECT_EQ(artifact.checksum(), ArtifactChecksum(artifact.file_bytes()));
  // Producers and last uses: x is read by op 0; mm lives [0, 1]; sum [1, 2]; y is the output.
  EXPECT_EQ(artifact.producer(0), -1);
  EXPECT_EQ(artifact.last_use(0), 0);
  EXPECT_EQ(artifact.producer(3), 0);
  EXPECT_EQ(artifact.last_use(3), 1);
  EXPECT_EQ(artifact.producer(5), 2);
  EXPECT_EQ(artifact.last_use(5), 3);
  EXPECT_EQ(artifact.last_use(6), -1);  // an unread constant
  EXPECT_EQ(artifact.DimMax("N"), 8);
  EXPECT_EQ(artifact.DimMax("M"), std::nullopt);

  std::span<const uint8_t> b = artifact.ConstantBytes(2);
  ASSERT_EQ(b.size(), 16u);
  float b0 = 0;
  std::memcpy(&b0, b.data(), sizeof(b0));
  EXPECT_EQ(b0, 0.5f);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(artifact.ConstantBytes(1).data()) % 64, 0u);
  EXPECT_TRUE(artifact.ConstantBytes(0).empty());   // an input
  EXPECT_TRUE(artifact.ConstantBytes(3).empty());   // an arena tensor
  EXPECT_TRUE(artifact.ConstantBytes(-1).empty());  // out of range
  EXPECT_TRUE(artifact.ConstantBytes(7).empty());
  EXPECT_EQ(test::ArtifactInvariantViolation(artifact), "");
}

TEST(ArtifactLoadTest, LoadsFromFileWithAnyTargetWhenNoneIsExpected) {
  TempDir dir;
  std::string path = dir.Write("tiny.kiln", BuildArtifact(TinyModel()));
  Result<std::unique_ptr<Artifact>> a = Artifact::Load(path, "");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ((*a)->name(), path);
  EXPECT_EQ((*a)->model().target()->str(), "cloud");
  EXPECT_EQ((*a)->ConstantBytes(1).size(), 64u);
  EXPECT_EQ(test::ArtifactInvariantViolation(**a), "");
  Result<std::unique_ptr<Artifact>> edge = Artifact::Load(path, "edge");
  ASSERT_FALSE(edge.ok());
  EXPECT_EQ(edge.status().message(),
            "'" + path + "': compiled for target 'cloud'; this is the 'edge' runtime");
}

TEST(ArtifactLoadTest, FileErrorsNameTheFile) {
  TempDir dir;
  std::string missing = dir.path() + "/missing.kiln";
  Result<std::unique_ptr<Artifact>> a = Artifact::Load(missing, "");
  ASSERT_FALSE(a.ok());
  EXPECT_THAT(a.status().message(), StartsWith("'" + missing + "': cannot open"));
  a = Artifact::Load(dir.path(), "");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), "'" + dir.path() + "': not a regular file");
  std::string empty = dir.Write("empty.kiln", {});
  a = Artifact::Load(empty, "");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(),
            "'" + empty + "': not a Kiln artifact (0 bytes, shorter than the 8-byte header)");
}

TEST(ArtifactLoadTest, RejectsWrongIdentifierDistinctlyFromCorruption) {
  ModelSpec spec = TinyModel();
  spec.identifier = "ONNX";
  EXPECT_EQ(LoadError(BuildArtifact(spec)),
            "'m.kiln': not a Kiln artifact (file identifier is 'ONNX', expected 'KILN')");
  std::vector<uint8_t> bytes = BuildFlatBuffer(TinyModel());
  bytes[5] = 0;
  bytes[6] = '\n';
  EXPECT_EQ(LoadError(Seal(bytes)),
            "'m.kiln': not a Kiln artifact (file identifier is 'K\\x00\\x0aN', expected 'KILN')");
  EXPECT_EQ(LoadError({1, 2, 3}),
            "'m.kiln': not a Kiln artifact (3 bytes, shorter than the 8-byte header)");
}

TEST(ArtifactLoadTest, RejectsWrongFormatVersion) {
  ModelSpec spec = TinyModel();
  spec.format_version = 7;
  EXPECT_EQ(LoadError(BuildArtifact(spec)),
            "'m.kiln': format version 7; this runtime reads version 3 (recompile the model with "
            "this kiln)");
  spec.format_version = 2;  // before packed constants
  EXPECT_THAT(LoadError(BuildArtifact(spec)), HasSubstr("format version 2;"));
  spec.format_version = 1;
  EXPECT_THAT(LoadError(BuildArtifact(spec)), HasSubstr("format version 1;"));
  spec.format_version = 0;
  EXPECT_THAT(LoadError(BuildArtifact(spec)), HasSubstr("format version 0;"));
}

TEST(ArtifactLoadTest, RejectsWrongTarget) {
  ModelSpec spec = TinyModel();
  spec.target = "edge";
  EXPECT_EQ(LoadError(BuildArtifact(spec), "cloud"),
            "'m.kiln': compiled for target 'edge'; this is the 'cloud' runtime");
  EXPECT_TRUE(LoadBytes(BuildArtifact(spec), "edge").ok());
  EXPECT_TRUE(LoadBytes(BuildArtifact(spec), "").ok());
  spec.omit = {"target"};
  EXPECT_EQ(LoadError(BuildArtifact(spec), "cloud"),
            "'m.kiln': compiled for target ''; this is the 'cloud' runtime");
  EXPECT_EQ(LoadError(BuildArtifact(spec), ""), "'m.kiln': required field 'target' is missing");
}

// Every proper prefix of a valid FlatBuffer, sealed with a valid trailer, fails with one line
// naming the file, never crashes.
void ExpectEveryPrefixFails(const std::vector<uint8_t>& flatbuffer, size_t step) {
  for (size_t len = 0; len < flatbuffer.size(); len += step) {
    std::vector<uint8_t> prefix(flatbuffer.begin(),
                                flatbuffer.begin() + static_cast<ptrdiff_t>(len));
    Result<std::unique_ptr<Artifact>> a = LoadBytes(Seal(prefix));
    ASSERT_FALSE(a.ok()) << "a prefix of " << len << " bytes loaded";
    EXPECT_THAT(a.status().message(), StartsWith("'m.kiln': ")) << len;
    EXPECT_EQ(a.status().message().find('\n'), std::string::npos) << len;
  }
}

TEST(ArtifactLoadTest, RejectsEveryTruncationOfASmallFlatBuffer) {
  std::vector<uint8_t> bytes = BuildFlatBuffer(TinyModel());
  ExpectEveryPrefixFails(bytes, 1);
  // A cut inside the trailing padding leaves every referenced byte in place; the size tells.
  std::vector<uint8_t> prefix(bytes.begin(), bytes.end() - 1);
  EXPECT_EQ(LoadError(Seal(prefix)), "'m.kiln': truncated or corrupt artifact (" +
                                         std::to_string(prefix.size()) +
                                         " bytes, not a multiple of 4)");
  prefix.resize(bytes.size() - 4);
  EXPECT_EQ(LoadError(Seal(prefix)),
            "'m.kiln': truncated or corrupt artifact (FlatBuffers verification failed)");
}

TEST(ArtifactLoadTest, RejectsSampledTruncationsOfABigFlatBuffer) {
  std::vector<uint8_t> bytes = BuildFlatBuffer(ChainModel(2000));
  ASSERT_GT(bytes.size(), 100000u);
  ASSERT_TRUE(LoadBytes(Seal(bytes)).ok());
  ExpectEveryPrefixFails(bytes, 997);  // a prime step, so prefixes fall all over the layout
}

struct FlipCounts {
  int loaded = 0, failed = 0, misaligned = 0;
};

// Flips every bit of `spec`'s FlatBuffer, one at a time, and seals the result: each either loads,
// and then every promise of a loaded artifact holds, or fails with one line naming the file.
FlipCounts ExpectEveryBitFlipLoadsConsistentlyOrFails(const ModelSpec& spec) {
  const std::vector<uint8_t> bytes = BuildFlatBuffer(spec);
  FlipCounts n;
  for (size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    std::vector<uint8_t> flipped = bytes;
    flipped[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    Result<std::unique_ptr<Artifact>> a = LoadBytes(Seal(flipped), "");
    if (a.ok()) {
      ++n.loaded;
      EXPECT_EQ(test::ArtifactInvariantViolation(**a), "") << "bit " << bit;
    } else {
      ++n.failed;
      if (a.status().message().find("is not 8-byte aligned") != std::string::npos) ++n.misaligned;
      EXPECT_THAT(a.status().message(), StartsWith("'m.kiln': ")) << "bit " << bit;
      EXPECT_EQ(a.status().message().find('\n'), std::string::npos) << "bit " << bit;
    }
  }
  return n;
}

TEST(ArtifactLoadTest, EveryBitFlipLoadsConsistentlyOrFails) {
  const FlipCounts n = ExpectEveryBitFlipLoadsConsistentlyOrFails(TinyModel());
  // Flips in constant data and in names are harmless; flips in offsets and indices are not.
  EXPECT_GT(n.loaded, 100);
  EXPECT_GT(n.failed, 100);
  // Some flips move an int64/double vector to a 4-byte boundary, which the FlatBuffers verifier
  // lets through; reading it would be undefined behaviour (UBSan stops the asan build there).
  EXPECT_GT(n.misaligned, 0);
}

// The same for a packed constant, whose codes, scales and zero points the loader decodes: a flip
// there either still decodes within bounds or is caught by the packed checks.
TEST(ArtifactLoadTest, EveryBitFlipOfAPackedConstantLoadsConsistentlyOrFails) {
  const FlipCounts n = ExpectEveryBitFlipLoadsConsistentlyOrFails(test::PackedModel());
  EXPECT_GT(n.loaded, 100);
  EXPECT_GT(n.failed, 100);
  ExpectEveryPrefixFails(BuildFlatBuffer(test::PackedModel()), 1);
}

TEST(ArtifactLoadTest, ChecksTenThousandTensorsQuickly) {
  std::vector<uint8_t> bytes = BuildArtifact(ChainModel(10000));
  auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<Artifact>> a = LoadBytes(bytes);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ((*a)->num_tensors(), 10001);
  // Milliseconds here (tens under sanitizers); a quadratic plan check would take seconds.
  EXPECT_LT(ms, 1000.0);
  std::printf("loaded %zu bytes, %d tensors in %.2f ms\n", bytes.size(), (*a)->num_tensors(), ms);
}

}  // namespace
}  // namespace kiln::rt
