#include "codegen/memory_planner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace kiln::codegen {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Requests = std::vector<BufferRequest>;

// Plans with both planners, checks both plans, and returns the greedy one.
MemoryPlan PlanAndCheck(const Requests& requests, int64_t alignment = kDefaultAlignment) {
  MemoryPlan linear = PlanMemoryLinear(requests, alignment);
  MemoryPlan greedy = PlanMemoryGreedy(requests, alignment);
  Status linear_ok = CheckMemoryPlan(requests, linear, alignment);
  Status greedy_ok = CheckMemoryPlan(requests, greedy, alignment);
  EXPECT_TRUE(linear_ok.ok()) << linear_ok.message();
  EXPECT_TRUE(greedy_ok.ok()) << greedy_ok.message();
  EXPECT_LE(greedy.arena_size, linear.arena_size);
  return greedy;
}

TEST(MemoryPlannerTest, HeaderExample) {
  std::vector<BufferRequest> requests = {{.size = 400, .first = 0, .last = 1},
                                         {.size = 400, .first = 1, .last = 2, .inplace_of = 0}};
  MemoryPlan plan = PlanMemoryGreedy(requests);
  EXPECT_THAT(plan.offsets, ElementsAre(0, 0));
  EXPECT_EQ(plan.arena_size, 448);
  EXPECT_TRUE(CheckMemoryPlan(requests, plan).ok());
}

TEST(MemoryPlannerTest, LinearGivesEveryBufferItsOwnAlignedSlot) {
  Requests r = {{.size = 100, .first = 0, .last = 1},
                {.size = 0, .first = 0, .last = 3},
                {.size = 64, .first = 2, .last = 3},
                {.size = 1, .first = 3, .last = 3}};
  MemoryPlan plan = PlanMemoryLinear(r);
  EXPECT_THAT(plan.offsets, ElementsAre(0, 0, 128, 192));
  EXPECT_EQ(plan.arena_size, 256);  // rounded up to the alignment
}

TEST(MemoryPlannerTest, ChainReusesTheBufferThatDied) {
  // a -> b -> c: a is dead by the time c is written.
  Requests r = {{.size = 100, .first = 0, .last = 1},
                {.size = 100, .first = 1, .last = 2},
                {.size = 100, .first = 2, .last = 3}};
  MemoryPlan plan = PlanAndCheck(r);
  EXPECT_THAT(plan.offsets, ElementsAre(0, 128, 0));
  EXPECT_EQ(plan.arena_size, 256);
  EXPECT_EQ(PlanMemoryLinear(r).arena_size, 384);
}

TEST(MemoryPlannerTest, OverlappingLifetimesNeverShare) {
  Requests r = {{.size = 64, .first = 0, .last = 5}, {.size = 64, .first = 5, .last = 6}};
  MemoryPlan plan = PlanAndCheck(r);
  EXPECT_THAT(plan.offsets, ElementsAre(0, 64));
}

TEST(MemoryPlannerTest, LargestFirst) {
  Requests r = {{.size = 64, .first = 0, .last = 1},
                {.size = 256, .first = 0, .last = 1},
                {.size = 128, .first = 2, .last = 3}};
  MemoryPlan plan = PlanAndCheck(r);
  EXPECT_THAT(plan.offsets, ElementsAre(256, 0, 0));
  EXPECT_EQ(plan.arena_size, 320);
}

TEST(MemoryPlannerTest, FirstGapThatFits) {
  // big2 sits above big1; once big1 is dead, c takes the gap below big2 and d the rest of it.
  Requests r = {{.size = 256, .first = 0, .last = 1},  // big1
                {.size = 128, .first = 0, .last = 4},  // big2
                {.size = 128, .first = 2, .last = 3},  // c
                {.size = 64, .first = 2, .last = 3}};  // d
  MemoryPlan plan = PlanAndCheck(r);
  EXPECT_THAT(plan.offsets, ElementsAre(0, 256, 0, 128));
  EXPECT_EQ(plan.arena_size, 384);
}

TEST(MemoryPlannerTest, TiesGoToTheEarlierThenTheLowerIndex) {
  Requests r = {{.size = 64, .first = 1, .last = 2},
                {.size = 64, .first = 1, .last = 2},
                {.size = 64, .first = 0, .last = 2}};
  EXPECT_THAT(PlanAndCheck(r).offsets, ElementsAre(64, 128, 0));
}

TEST(MemoryPlannerTest, AlignmentIsAParameter) {
  Requests r = {{.size = 10, .first = 0, .last = 1}, {.size = 10, .first = 0, .last = 1}};
  EXPECT_THAT(PlanAndCheck(r, 1).offsets, ElementsAre(0, 10));
  EXPECT_THAT(PlanAndCheck(r, 16).offsets, ElementsAre(0, 16));
  EXPECT_EQ(PlanMemoryGreedy(r, 16).arena_size, 32);
}

TEST(MemoryPlannerTest, ZeroSizesAndNoRequestsTakeNoSpace) {
  EXPECT_EQ(PlanAndCheck({}).arena_size, 0);
  Requests r = {{.size = 0, .first = 0, .last = 9}, {.size = 0, .first = 0, .last = 9}};
  MemoryPlan plan = PlanAndCheck(r);
  EXPECT_THAT(plan.offsets, ElementsAre(0, 0));
  EXPECT_EQ(plan.arena_size, 0);
}

TEST(MemoryPlannerTest, InPlaceSharesTheOperandsOffset) {
  // x (live elsewhere) pushes a up; b and then c are written over a.
  Requests r = {{.size = 256, .first = 0, .last = 3},
                {.size = 256, .first = 1, .last = 2},
                {.size = 256, .first = 2, .last = 3, .inplace_of = 1},
                {.size = 128, .first = 3, .last = 4, .inplace_of = 2}};
  MemoryPlan plan = PlanAndCheck(r);
  EXPECT_THAT(plan.offsets, ElementsAre(0, 256, 256, 256));
  EXPECT_EQ(plan.arena_size, 512);
}

TEST(MemoryPlannerTest, InPlaceOnlyWhenAllowed) {
  Requests outlives = {{.size = 64, .first = 0, .last = 2},
                       {.size = 64, .first = 1, .last = 2, .inplace_of = 0}};
  EXPECT_FALSE(InPlaceAllowed(outlives, 1));
  EXPECT_THAT(PlanAndCheck(outlives).offsets, ElementsAre(0, 64));

  Requests too_small = {{.size = 64, .first = 0, .last = 1},
                        {.size = 128, .first = 1, .last = 2, .inplace_of = 0}};
  EXPECT_FALSE(InPlaceAllowed(too_small, 1));
  EXPECT_THAT(PlanAndCheck(too_small).offsets, ElementsAre(128, 0));
}

TEST(MemoryPlannerTest, InPlaceChainNeverCollidesWithAThirdMember) {
  // b dies where it is born, so c (over b) is live together with a: c must not join a and b.
  Requests r = {{.size = 64, .first = 0, .last = 1},
                {.size = 64, .first = 1, .last = 1, .inplace_of = 0},
                {.size = 64, .first = 1, .last = 2, .inplace_of = 1}};
  EXPECT_TRUE(InPlaceAllowed(r, 1));
  EXPECT_TRUE(InPlaceAllowed(r, 2));
  MemoryPlan plan = PlanAndCheck(r);
  EXPECT_THAT(plan.offsets, ElementsAre(0, 0, 64));
}

// Random request sets: `n` buffers over about 2n ops, a tenth of them empty, about a third
// with an in-place hint (most of them allowed).
Requests RandomRequests(std::mt19937& rng) {
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int n = uniform(1, 60);
  const int num_ops = uniform(1, 2 * n);
  Requests r(n);
  for (BufferRequest& b : r) {
    b.first = uniform(0, num_ops - 1);
    b.last = std::min(num_ops, b.first + uniform(0, uniform(0, 1) ? 2 : num_ops));
    b.size = uniform(0, 9) == 0 ? 0 : uniform(1, uniform(0, 1) ? 300 : 5000);
  }
  for (int i = 0; i < n; ++i) {
    if (n < 2 || uniform(0, 2) != 0) continue;
    int j = uniform(0, n - 2);
    if (j >= i) ++j;
    r[i].inplace_of = j;
    if (uniform(0, 3) != 0) {  // make it allowed
      r[i].first = r[j].last;
      r[i].last = std::max(r[i].last, r[i].first);
      r[i].size = std::min(r[i].size, r[j].size);
    }
  }
  return r;
}

TEST(MemoryPlannerTest, RandomRequestSetsGetValidPlansNoLargerThanLinear) {
  std::mt19937 rng(20240521);
  const int64_t alignments[] = {1, 8, 64};
  int allowed_hints = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const Requests r = RandomRequests(rng);
    const int64_t alignment = alignments[trial % 3];
    for (int i = 0; i < static_cast<int>(r.size()); ++i) allowed_hints += InPlaceAllowed(r, i);
    MemoryPlan linear = PlanMemoryLinear(r, alignment);
    MemoryPlan greedy = PlanMemoryGreedy(r, alignment);
    Status linear_ok = CheckMemoryPlan(r, linear, alignment);
    Status greedy_ok = CheckMemoryPlan(r, greedy, alignment);
    ASSERT_TRUE(linear_ok.ok()) << "trial " << trial << ": " << linear_ok.message();
    ASSERT_TRUE(greedy_ok.ok()) << "trial " << trial << ": " << greedy_ok.message();
    ASSERT_LE(greedy.arena_size, linear.arena_size) << "trial " << trial;
    MemoryPlan again = PlanMemoryGreedy(r, alignment);
    ASSERT_EQ(again.offsets, greedy.offsets) << "trial " << trial;
    ASSERT_EQ(again.arena_size, greedy.arena_size) << "trial " << trial;
  }
  EXPECT_GT(allowed_hints, 3000);  // the in-place path was exercised
}

class CheckMemoryPlanTest : public ::testing::Test {
 protected:
  // a and b live together, c after both; the greedy plan is {0, 128, 0}, arena 192.
  Requests r_ = {{.size = 100, .first = 0, .last = 1},
                 {.size = 64, .first = 1, .last = 2},
                 {.size = 128, .first = 3, .last = 4}};
  MemoryPlan plan_ = PlanMemoryGreedy(r_);

  std::string Problem(const Requests& r, const MemoryPlan& plan, int64_t alignment = 64) {
    Status s = CheckMemoryPlan(r, plan, alignment);
    EXPECT_FALSE(s.ok());
    return s.message();
  }
};

TEST_F(CheckMemoryPlanTest, AcceptsTheGreedyPlan) {
  ASSERT_THAT(plan_.offsets, ElementsAre(0, 128, 0));
  EXPECT_TRUE(CheckMemoryPlan(r_, plan_).ok());
}

TEST_F(CheckMemoryPlanTest, CatchesOverlap) {
  plan_.offsets[1] = 64;
  EXPECT_EQ(Problem(r_, plan_),
            "buffers 0 and 1 overlap: bytes [0, 100) and [64, 128) are both live at op 1");
}

TEST_F(CheckMemoryPlanTest, CatchesMisalignmentAndNegativeOffsets) {
  plan_.offsets[1] = 120;
  EXPECT_THAT(Problem(r_, plan_), HasSubstr("buffer 1 is at offset 120, not a multiple of 64"));
  plan_.offsets[1] = -64;
  EXPECT_THAT(Problem(r_, plan_), HasSubstr("buffer 1 is at negative offset -64"));
}

TEST_F(CheckMemoryPlanTest, CatchesBuffersOutsideTheArena) {
  plan_.arena_size = 191;
  EXPECT_EQ(Problem(r_, plan_), "buffer 1 (bytes [128, 192)) ends past the arena of 191 bytes");
}

TEST_F(CheckMemoryPlanTest, CatchesMalformedPlansAndRequests) {
  MemoryPlan short_plan = plan_;
  short_plan.offsets.pop_back();
  EXPECT_EQ(Problem(r_, short_plan), "plan has 2 offsets for 3 buffers");
  EXPECT_EQ(Problem(r_, plan_, 0), "alignment 0 is not positive");

  Requests backwards = r_;
  backwards[2].first = 5;
  EXPECT_EQ(Problem(backwards, plan_), "buffer 2 has lifetime [5, 4] ending before it starts");
  Requests negative = r_;
  negative[0].size = -1;
  EXPECT_EQ(Problem(negative, plan_), "buffer 0 has negative size -1");
  Requests self = r_;
  self[1].inplace_of = 1;
  EXPECT_EQ(Problem(self, plan_), "buffer 1 has inplace_of 1, which is not another buffer");
}

TEST_F(CheckMemoryPlanTest, InPlaceExcusesOnlyAnAllowedPairAtOneOffset) {
  Requests r = {{.size = 128, .first = 0, .last = 1},
                {.size = 128, .first = 1, .last = 2, .inplace_of = 0}};
  EXPECT_TRUE(CheckMemoryPlan(r, {.offsets = {0, 0}, .arena_size = 128}).ok());
  EXPECT_THAT(Problem(r, {.offsets = {0, 64}, .arena_size = 192}),
              HasSubstr("buffers 0 and 1 overlap"));
  r[0].last = 2;  // the operand outlives the op: no longer allowed
  EXPECT_THAT(Problem(r, {.offsets = {0, 0}, .arena_size = 128}),
              HasSubstr("buffers 0 and 1 overlap"));
}

}  // namespace
}  // namespace kiln::codegen
