#include "tools/kiln/artifact_summary.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime/core/artifact_checksum.h"
#include "tests/unit/runtime/artifact_test_builder.h"
#include "tools/kiln/commands.h"

namespace kiln::cli {
namespace {

using ::testing::HasSubstr;

class ArtifactSummaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "artifact_summary.XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string Write(const std::string& name, const std::vector<uint8_t>& bytes) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return path;
  }

  std::string dir_;
};

TEST_F(ArtifactSummaryTest, SummarizesHeaderSignatureOpsAndSizes) {
  rt::test::ModelSpec spec = rt::test::TinyModel();
  spec.target = "edge";  // inspect accepts any target
  std::vector<uint8_t> bytes = rt::test::BuildArtifact(spec);
  std::string path = Write("tiny.kiln", bytes);
  std::ostringstream out;
  Status s = RunInspect({.input = path}, out);
  ASSERT_TRUE(s.ok()) << s.message();
  const std::string text = out.str();
  ASSERT_GE(bytes.size(), 1024u);
  ASSERT_LT(bytes.size(), 10000u);
  EXPECT_THAT(text, HasSubstr(fmt::format("artifact '{}': {},{:03} bytes ({:.1f} KiB)\n", path,
                                          bytes.size() / 1000, bytes.size() % 1000,
                                          bytes.size() / 1024.0)));
  EXPECT_THAT(text, HasSubstr(fmt::format(
                        "checksum: ok ({:016x})\nformat version 3, target edge\n",
                        rt::ArtifactChecksum(std::span(bytes).first(bytes.size() - 16)))));
  EXPECT_THAT(text, HasSubstr("compiler: kiln 0.1.0\n"));
  EXPECT_THAT(text, HasSubstr("source: fnv1a64:0123456789abcdef\n"));
  EXPECT_THAT(text, HasSubstr("graph @tiny\n"));
  EXPECT_THAT(text, HasSubstr("inputs:\n  x: f32[N,4]  (N <= 8)\n"));
  EXPECT_THAT(text, HasSubstr("outputs:\n  y: f32[N,4]  (N <= 8)\n"));
  EXPECT_THAT(text, HasSubstr("ops: 3\n"));
  EXPECT_THAT(text, HasSubstr("  add                            1\n"));
  EXPECT_THAT(text, HasSubstr("  matmul                         1\n"));
  EXPECT_THAT(text, HasSubstr("tensors: 7 (1 input, 3 arena, 3 constant)\n"));
  EXPECT_THAT(text, HasSubstr("arena: 256 bytes, alignment 64\n"));
  EXPECT_THAT(text, HasSubstr("constants: 132 bytes\n"));
  EXPECT_THAT(text, HasSubstr("metadata:\n  producer = artifact_test_builder\n"));
}

TEST_F(ArtifactSummaryTest, UnknownDimsShowWithoutABound) {
  rt::test::ModelSpec spec = rt::test::TinyModel();
  spec.tensors[5].shape = {-1, -1};
  spec.tensors[5].symbols = {"N", "?"};
  std::ostringstream out;
  ASSERT_TRUE(
      RunInspect({.input = Write("unknown.kiln", rt::test::BuildArtifact(spec))}, out).ok());
  EXPECT_THAT(out.str(), HasSubstr("outputs:\n  y: f32[N,?]  (N <= 8)\n"));
}

TEST_F(ArtifactSummaryTest, LargeSizesReadEasily) {
  rt::test::ModelSpec spec = rt::test::TinyModel();
  spec.arena_bytes = 3 * 1024 * 1024 + 5;
  std::ostringstream out;
  ASSERT_TRUE(RunInspect({.input = Write("big.kiln", rt::test::BuildArtifact(spec))}, out).ok());
  EXPECT_THAT(out.str(), HasSubstr("arena: 3,145,733 bytes (3.0 MiB), alignment 64\n"));
}

TEST_F(ArtifactSummaryTest, PackedConstantsShowTheirEncoding) {
  rt::test::ModelSpec spec = rt::test::PackedModel();
  std::ostringstream out;
  ASSERT_TRUE(RunInspect({.input = Write("packed.kiln", rt::test::BuildArtifact(spec))}, out).ok());
  EXPECT_THAT(out.str(), HasSubstr("constants: 64 bytes\n"
                                   "packed constants (decoded to f32 when loaded):\n"
                                   "  w: f32[5,3] packed as i4 per_block axis=0 block_size=2 with "
                                   "zero points, 8 bytes\n"));
  spec.tensors[1].packed = rt::test::PackedSpec{
      .dtype = rt::test::DType::U8, .quant = rt::test::QuantSpec{.axis = 1, .scales = {1, 2, 3}}};
  spec.tensors[1].bytes = 15;
  out.str("");
  ASSERT_TRUE(RunInspect({.input = Write("axis.kiln", rt::test::BuildArtifact(spec))}, out).ok());
  EXPECT_THAT(out.str(), HasSubstr("  w: f32[5,3] packed as u8 per_axis axis=1, 15 bytes\n"));
  spec.tensors[1].packed->quant = rt::test::QuantSpec{.scales = {0.5f}};
  out.str("");
  ASSERT_TRUE(RunInspect({.input = Write("tensor.kiln", rt::test::BuildArtifact(spec))}, out).ok());
  EXPECT_THAT(out.str(), HasSubstr("  w: f32[5,3] packed as u8 per_tensor, 15 bytes\n"));
  // Without packed constants, no such section.
  out.str("");
  ASSERT_TRUE(
      RunInspect({.input = Write("tiny.kiln", rt::test::BuildArtifact(rt::test::TinyModel()))}, out)
          .ok());
  EXPECT_THAT(out.str(), ::testing::Not(HasSubstr("packed")));
}

TEST_F(ArtifactSummaryTest, CorruptArtifactGivesTheLoadersOneLineError) {
  std::vector<uint8_t> bytes = rt::test::BuildArtifact(rt::test::TinyModel());
  bytes.resize(bytes.size() / 2);
  std::string path = Write("cut.kiln", bytes);
  std::ostringstream out;
  Status s = RunInspect({.input = path}, out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "'" + path +
                             "': checksum trailer missing: the file is truncated or corrupt, or "
                             "older than format version 2 (recompile the model)");
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace kiln::cli
