// The loader's memory plan sweep (arena_plan_check.h) against the trivial all-pairs check of
// artifact_invariants.h, on random small models whose slots often collide, in place or not.
#include "runtime/core/arena_plan_check.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "runtime/core/artifact.h"
#include "tests/unit/runtime/artifact_invariants.h"
#include "tests/unit/runtime/artifact_test_builder.h"

namespace kiln::rt {
namespace {

using test::ModelSpec;

// `num_ops` ops; op i reads one or two random earlier tensors (the input included) and writes
// one or two arena tensors of 64 or 128 bytes at random multiples of 64 in a 512-byte arena.
ModelSpec RandomModel(std::mt19937& rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  ModelSpec m;
  m.tensors.push_back({.name = "x", .shape = {16}, .storage = test::Storage::Input});
  m.inputs = {0};
  const int num_ops = pick(1, 10);
  for (int i = 0; i < num_ops; ++i) {
    test::OpSpec op{.kernel = "k", .name = "op" + std::to_string(i)};
    const int available = static_cast<int>(m.tensors.size());
    for (int r = pick(1, 2); r > 0; --r) op.inputs.push_back(pick(0, available - 1));
    for (int w = pick(1, 4) == 1 ? 2 : 1; w > 0; --w) {
      const int bytes = pick(0, 1) ? 64 : 128;
      op.outputs.push_back(static_cast<int32_t>(m.tensors.size()));
      m.tensors.push_back({.name = "t" + std::to_string(m.tensors.size()),
                           .shape = {bytes / 4},
                           .offset = static_cast<uint64_t>(pick(0, 6)) * 64,
                           .bytes = static_cast<uint64_t>(bytes)});
    }
    m.ops.push_back(op);
  }
  m.outputs = {static_cast<int32_t>(m.tensors.size()) - 1};
  if (pick(0, 2) == 0 && m.tensors.size() > 2) m.outputs.push_back(1);
  m.arena_bytes = 512;
  return m;
}

TEST(ArenaPlanCheckTest, AgreesWithTheAllPairsCheckOnRandomPlans) {
  std::mt19937 rng(12345);
  int sound = 0, clashing = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    ModelSpec spec = RandomModel(rng);
    std::vector<uint8_t> bytes = test::BuildArtifact(spec);
    const std::string expected_clash = test::TrivialPlanConflict(*artifact::GetModel(bytes.data()));
    Result<std::unique_ptr<Artifact>> a = Artifact::FromBytes(bytes, "r.kiln", "");
    if (expected_clash.empty()) {
      ++sound;
      ASSERT_TRUE(a.ok()) << "trial " << trial << ": " << a.status().message();
    } else {
      ++clashing;
      ASSERT_FALSE(a.ok()) << "trial " << trial << ": tensors " << expected_clash << " clash";
      ASSERT_NE(a.status().message().find("share arena bytes"), std::string::npos)
          << a.status().message();
    }
  }
  // Both outcomes are common, so the comparison means something.
  EXPECT_GT(sound, 2000);
  EXPECT_GT(clashing, 2000);
}

}  // namespace
}  // namespace kiln::rt
