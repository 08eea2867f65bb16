// The seed corpus of artifact_loader_fuzz (tests/fuzz/corpus/artifact_loader) is written by the
// test builder; this test keeps the committed files equal to what it builds, and that they load.
// After changing the builder or the schema, rewrite them with
//
//   KILN_WRITE_SEEDS=1 build/dev/tests/unit/runtime/runtime_artifact_fuzz_seeds_test
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "runtime/core/artifact.h"
#include "tests/unit/runtime/artifact_invariants.h"
#include "tests/unit/runtime/artifact_test_builder.h"

namespace kiln::rt {
namespace {

using test::ModelSpec;

// A pure arena chain for the edge target: no constants, no symbols, in-place reuse.
ModelSpec EdgeChain() {
  ModelSpec m;
  m.target = "edge";
  m.graph_name = "chain";
  m.tensors.push_back(
      {.name = "x", .dtype = test::DType::U8, .shape = {2, 8}, .storage = test::Storage::Input});
  m.inputs = {0};
  for (int i = 0; i < 4; ++i) {
    m.tensors.push_back({.name = "t" + std::to_string(i + 1),
                         .dtype = test::DType::U8,
                         .shape = {2, 8},
                         .offset = static_cast<uint64_t>((i / 2) % 2) * 16,
                         .bytes = 16});
    m.ops.push_back({.kernel = i % 2 ? "relu" : "neg",
                     .name = "op" + std::to_string(i),
                     .inputs = {i},
                     .outputs = {i + 1}});
  }
  m.outputs = {4};
  m.arena_bytes = 32;
  m.arena_alignment = 16;
  return m;
}

// Two inputs, a two-output op, optional operands and sub-byte constants.
ModelSpec Branches() {
  ModelSpec m;
  m.graph_name = "branches";
  m.dims = {{"B", 4}, {"T", 16}};
  m.tensors = {
      {.name = "a", .shape = {-1, -1}, .symbols = {"B", "T"}, .storage = test::Storage::Input},
      {.name = "b", .dtype = test::DType::I64, .shape = {}, .storage = test::Storage::Input},
      {.name = "q",
       .dtype = test::DType::U4,
       .shape = {3, 3},
       .storage = test::Storage::Constant,
       .offset = 0,
       .bytes = 5,
       .quant = test::QuantSpec{.axis = 1, .block_size = 0, .scales = {1, 2, 3}}},
      {.name = "lo", .shape = {-1, -1}, .symbols = {"B", "T"}, .offset = 0, .bytes = 256},
      {.name = "hi", .shape = {-1, -1}, .symbols = {"B", "T"}, .offset = 256, .bytes = 256},
      {.name = "out", .shape = {-1, -1}, .symbols = {"B", "T"}, .offset = 0, .bytes = 256},
  };
  m.inputs = {1, 0};
  m.ops = {
      {.kernel = "split",
       .name = "Split_0",
       .inputs = {0, -1, 2},
       .outputs = {3, 4},
       .attrs = {test::IntAttr("axis", 1), test::StringsAttr("names", {"lo", "hi"})}},
      {.kernel = "add", .name = "Add_1", .inputs = {3, 4, 1}, .outputs = {5}},
  };
  m.outputs = {5};
  m.arena_bytes = 512;
  m.constants = std::vector<uint8_t>(64, 0x5a);
  m.metadata = {{"a", "1"}, {"b", ""}};
  return m;
}

std::vector<std::pair<std::string, ModelSpec>> Seeds() {
  ModelSpec empty;
  empty.graph_name = "empty";
  return {{"tiny.kiln", test::TinyModel()},
          {"edge_chain.kiln", EdgeChain()},
          {"branches.kiln", Branches()},
          {"packed.kiln", test::PackedModel()},
          {"empty.kiln", empty}};
}

TEST(ArtifactFuzzSeedsTest, CommittedSeedsAreCurrentAndLoad) {
  const bool write = std::getenv("KILN_WRITE_SEEDS") != nullptr;
  for (const auto& [name, spec] : Seeds()) {
    std::vector<uint8_t> bytes = test::BuildArtifact(spec);
    ASSERT_LE(bytes.size(), 4096u) << name << ": the fuzz ctest runs with -max_len=4096";
    Result<std::unique_ptr<Artifact>> a = Artifact::FromBytes(bytes, name, "");
    ASSERT_TRUE(a.ok()) << a.status().message();
    EXPECT_EQ(test::ArtifactInvariantViolation(**a), "") << name;
    const std::string path = std::string(KILN_ARTIFACT_SEEDS_DIR) + "/" + name;
    if (write) {
      std::ofstream(path, std::ios::binary)
          .write(reinterpret_cast<const char*>(bytes.data()),
                 static_cast<std::streamsize>(bytes.size()));
    }
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> committed((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
    EXPECT_EQ(committed, bytes) << path << " is stale; rewrite it (see the top of this file)";
  }
}

}  // namespace
}  // namespace kiln::rt
