// The checksum trailer as the loader sees it: every single-bit flip and every whole-byte change
// anywhere in a valid artifact (FlatBuffer header and tables, constant blob, padding, the trailer
// itself) is a load error, and so is every truncation and every appended byte. A file without a
// trailer, or one that is not an artifact at all, is named as such. FromBytesIgnoringChecksum
// skips only the comparison. The hash itself is tested in artifact_checksum_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/core/artifact.h"
#include "runtime/core/artifact_checksum.h"
#include "runtime/core/artifact_format.h"
#include "tests/unit/runtime/artifact_test_builder.h"

namespace kiln::rt {
namespace {

using test::BuildArtifact;
using test::BuildFlatBuffer;
using test::TinyModel;
using ::testing::StartsWith;

constexpr char kMismatch[] = "'m.kiln': checksum mismatch: the file is corrupt or truncated";
constexpr char kMissing[] =
    "'m.kiln': checksum trailer missing: the file is truncated or corrupt, or older than format "
    "version 2 (recompile the model)";

std::string LoadError(const std::vector<uint8_t>& bytes) {
  Result<std::unique_ptr<Artifact>> a = Artifact::FromBytes(bytes, "m.kiln", "cloud");
  return a.ok() ? "(loaded)" : a.status().message();
}

bool LoadsIgnoringChecksum(const std::vector<uint8_t>& bytes) {
  return Artifact::FromBytesIgnoringChecksum(bytes, "m.kiln", "cloud").ok();
}

// Where the constant blob's data lies in the file: [begin, end).
std::pair<size_t, size_t> BlobRange(const std::vector<uint8_t>& bytes) {
  Result<std::unique_ptr<Artifact>> a = Artifact::FromBytes(bytes, "m.kiln", "cloud");
  EXPECT_TRUE(a.ok()) << a.status().message();
  if (!a.ok()) return {0, 0};
  const auto* blob = (*a)->model().constants();
  const auto begin = static_cast<size_t>(blob->data() - (*a)->file_bytes().data());
  return {begin, begin + blob->size()};
}

TEST(ArtifactIntegrityTest, EveryBitFlipAndByteChangeAnywhereIsRejected) {
  const std::vector<uint8_t> bytes = BuildArtifact(TinyModel());
  ASSERT_EQ(LoadError(bytes), "(loaded)");
  const size_t body = bytes.size() - kChecksumTrailerBytes;
  const auto [blob_begin, blob_end] = BlobRange(bytes);
  ASSERT_GE(blob_end - blob_begin, 132u);
  int structurally_fine = 0;  // changes that only the checksum catches
  for (size_t pos = 0; pos < bytes.size(); ++pos) {
    // Each single bit, then the whole byte inverted.
    for (int mask : {1, 2, 4, 8, 16, 32, 64, 128, 255}) {
      std::vector<uint8_t> changed = bytes;
      changed[pos] ^= static_cast<uint8_t>(mask);
      const bool in_magic = pos >= body && pos < body + kChecksumTrailerMagicBytes;
      ASSERT_EQ(LoadError(changed), in_magic ? kMissing : kMismatch)
          << "byte " << pos << " of " << bytes.size() << ", mask " << mask;
      const bool fine = pos < body && LoadsIgnoringChecksum(changed);
      structurally_fine += fine;
      // Without the checksum a changed weight would load unnoticed.
      if (pos >= blob_begin && pos < blob_end) {
        ASSERT_TRUE(fine) << "blob byte " << pos;
      }
    }
  }
  // The blob, and also names, metadata and padding nothing refers to.
  EXPECT_GT(structurally_fine, static_cast<int>(9 * (blob_end - blob_begin)) + 100);
}

TEST(ArtifactIntegrityTest, EveryTruncationIsRejected) {
  const std::vector<uint8_t> bytes = BuildArtifact(TinyModel());
  for (size_t cut = 1; cut <= bytes.size(); ++cut) {
    std::vector<uint8_t> prefix(bytes.begin(), bytes.end() - static_cast<ptrdiff_t>(cut));
    const std::string expected = prefix.size() < 8 ? "'m.kiln': not a Kiln artifact (" +
                                                         std::to_string(prefix.size()) +
                                                         " bytes, shorter than the 8-byte header)"
                                                   : kMissing;
    ASSERT_EQ(LoadError(prefix), expected) << "cut " << cut;
  }
}

TEST(ArtifactIntegrityTest, AppendedBytesAreRejected) {
  const std::vector<uint8_t> bytes = BuildArtifact(TinyModel());
  for (int value = 0; value < 256; ++value) {
    std::vector<uint8_t> longer = bytes;
    longer.push_back(static_cast<uint8_t>(value));
    ASSERT_EQ(LoadError(longer), kMissing) << value;
  }
  // A second copy of the trailer: the magic is in place, but the hash now covers the first one.
  std::vector<uint8_t> twice = bytes;
  twice.insert(twice.end(), bytes.end() - kChecksumTrailerBytes, bytes.end());
  EXPECT_EQ(LoadError(twice), kMismatch);
}

TEST(ArtifactIntegrityTest, AFileWithoutTrailerSaysSo) {
  // What a format version 1 writer wrote: a complete FlatBuffer and nothing after it.
  EXPECT_EQ(LoadError(BuildFlatBuffer(TinyModel())), kMissing);
}

TEST(ArtifactIntegrityTest, NonArtifactsAreNotBlamedOnTheChecksum) {
  EXPECT_EQ(LoadError({1, 2, 3}),
            "'m.kiln': not a Kiln artifact (3 bytes, shorter than the 8-byte header)");
  const std::string text = "graph @net(%x: f32[4]) -> (f32[4]) {}\n";
  EXPECT_EQ(LoadError(std::vector<uint8_t>(text.begin(), text.end())),
            "'m.kiln': not a Kiln artifact (file identifier is 'h @n', expected 'KILN')");
  // With a valid trailer, the identifier is still what tells.
  test::ModelSpec spec = TinyModel();
  spec.identifier = "ONNX";
  EXPECT_EQ(LoadError(BuildArtifact(spec)),
            "'m.kiln': not a Kiln artifact (file identifier is 'ONNX', expected 'KILN')");
}

TEST(ArtifactIntegrityTest, IgnoringTheChecksumSkipsOnlyTheComparison) {
  std::vector<uint8_t> bytes = BuildArtifact(TinyModel());
  const auto [blob_begin, blob_end] = BlobRange(bytes);
  ASSERT_LT(blob_begin, blob_end);
  bytes[blob_begin] ^= 0x80;
  EXPECT_EQ(LoadError(bytes), kMismatch);
  Result<std::unique_ptr<Artifact>> a =
      Artifact::FromBytesIgnoringChecksum(bytes, "m.kiln", "cloud");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_FALSE((*a)->checksum_verified());
  EXPECT_NE((*a)->checksum(), ArtifactChecksum((*a)->file_bytes()));
  EXPECT_EQ((*a)->ConstantBytes(1)[0], bytes[blob_begin]);  // tensor 1 'w' starts the blob
  // The trailer must still be there.
  a = Artifact::FromBytesIgnoringChecksum(BuildFlatBuffer(TinyModel()), "m.kiln", "cloud");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), kMissing);
}

TEST(ArtifactIntegrityTest, LoadingAFileNamesIt) {
  std::vector<uint8_t> bytes = BuildArtifact(TinyModel());
  bytes[bytes.size() / 2] ^= 0x10;
  const std::string path =
      ::testing::TempDir() + "artifact_integrity_" + std::to_string(::getpid()) + ".kiln";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  Result<std::unique_ptr<Artifact>> a = Artifact::Load(path, "cloud");
  std::remove(path.c_str());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(),
            "'" + path + "': checksum mismatch: the file is corrupt or truncated");
}

}  // namespace
}  // namespace kiln::rt
