// The oneDNN pooling kernels against ref::MaxPool / AveragePool / GlobalAveragePool /
// GlobalMaxPool: max |d| / max |ref| <= 1e-5, plain and blocked.
#include <gtest/gtest.h>

#include "runtime/reference/kernels/pool.h"
#include "tests/unit/cloud/kernel_harness.h"

namespace kiln::cloud::testing {
namespace {

struct PoolCase {
  std::string name;
  ref::Shape x;
  ref::PoolParams p;
  std::string auto_pad = "";
};

TestAttrs PoolAttrs(const PoolCase& c) {
  TestAttrs attrs = {{"kernel_shape", c.p.kernel_shape}};
  if (!c.p.strides.empty()) attrs.push_back({"strides", c.p.strides});
  if (!c.p.dilations.empty()) attrs.push_back({"dilations", c.p.dilations});
  if (!c.p.pads.empty()) attrs.push_back({"pads", c.p.pads});
  if (c.p.ceil_mode) attrs.push_back({"ceil_mode", int64_t{1}});
  if (c.p.count_include_pad) attrs.push_back({"count_include_pad", int64_t{1}});
  if (!c.auto_pad.empty()) attrs.push_back({"auto_pad", c.auto_pad});
  return attrs;
}

std::vector<PoolCase> Cases() {
  return {
      {"3x3 s2 p1 (resnet)",
       {1, 16, 12, 12},
       {.kernel_shape = {3, 3}, .strides = {2, 2}, .pads = {1, 1, 1, 1}}},
      {"2x2 s2", {2, 8, 8, 8}, {.kernel_shape = {2, 2}, .strides = {2, 2}}},
      {"3x3 s1 p1 include pad",
       {1, 8, 7, 7},
       {.kernel_shape = {3, 3}, .pads = {1, 1, 1, 1}, .count_include_pad = true}},
      {"ceil_mode", {1, 8, 8, 8}, {.kernel_shape = {3, 3}, .strides = {2, 2}, .ceil_mode = true}},
      {"ceil_mode pads",
       {1, 8, 10, 9},
       {.kernel_shape = {3, 3}, .strides = {2, 2}, .pads = {1, 1, 1, 1}, .ceil_mode = true}},
      {"ceil_mode include pad",
       {1, 8, 8, 8},
       {.kernel_shape = {3, 3},
        .strides = {2, 2},
        .pads = {1, 1, 1, 1},
        .ceil_mode = true,
        .count_include_pad = true}},
      {"ceil_mode include pad, no pads",
       {1, 4, 8, 8},
       {.kernel_shape = {3, 3}, .strides = {2, 2}, .ceil_mode = true, .count_include_pad = true}},
      {"asymmetric pads",
       {1, 8, 9, 9},
       {.kernel_shape = {3, 2}, .strides = {2, 1}, .pads = {0, 1, 2, 0}}},
      {"dilated", {1, 8, 10, 10}, {.kernel_shape = {2, 2}, .dilations = {2, 2}}},
      {"1-D", {2, 8, 17}, {.kernel_shape = {3}, .strides = {2}, .pads = {1, 1}}},
      {"3-D", {1, 4, 6, 6, 6}, {.kernel_shape = {2, 2, 2}, .strides = {2, 2, 2}}},
      {"SAME_UPPER", {1, 8, 9, 9}, {.kernel_shape = {3, 3}, .strides = {2, 2}}, "SAME_UPPER"},
  };
}

void CheckPools(bool plain_output, bool blocked_input) {
  for (const PoolCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    const ref::Tensor x = Random(c.x, 1);
    ref::PoolParams p = c.p;
    if (!c.auto_pad.empty()) p.auto_pad = *ref::ParseAutoPad(c.auto_pad);
    const ref::Tensor want_max = ref::MaxPool(x, p, false)->values;
    const ref::Tensor want_avg = *ref::AveragePool(x, p);
    LaidOutTensor xt = LaidOutTensor::FromPlain(x);
    if (blocked_input && c.x.size() == 4) {
      xt = xt.Reordered(memory::desc(c.x, memory::data_type::f32, memory::format_tag::nChw8c));
    }
    CallOptions options;
    options.output_must_be_plain = plain_output;
    for (const char* kernel : {"max_pool", "average_pool"}) {
      SCOPED_TRACE(kernel);
      KernelSession session(kernel, PoolAttrs(c), options);
      rt::Result<std::vector<LaidOutTensor>> got = session.Run({{&xt}});
      ASSERT_TRUE(got.ok()) << got.status().message();
      if (plain_output) {
        EXPECT_TRUE(IsPlain(got->at(0).desc()));
      }
      EXPECT_TRUE(Near(got->at(0).ToPlain(),
                       std::string(kernel) == "max_pool" ? want_max : want_avg, kTolerance));
    }
  }
}

TEST(DnnlPoolKernels, MatchReference) { CheckPools(true, false); }
TEST(DnnlPoolKernels, BlockedInputKeepsItsLayout) { CheckPools(false, true); }
TEST(DnnlPoolKernels, BlockedInputPlainOutput) { CheckPools(true, true); }

TEST(DnnlPoolKernels, GlobalPools) {
  for (const ref::Shape& shape :
       std::vector<ref::Shape>{{2, 16, 7, 7}, {1, 8, 5}, {1, 4, 3, 4, 5}, {1, 2048, 7, 7}}) {
    SCOPED_TRACE(ref::ShapeString(shape));
    const ref::Tensor x = Random(shape, 2);
    rt::Result<std::vector<ref::Tensor>> avg = RunKernel("global_average_pool", {In(x)});
    ASSERT_TRUE(avg.ok()) << avg.status().message();
    EXPECT_TRUE(Near(avg->at(0), *ref::GlobalAveragePool(x), kTolerance));
    rt::Result<std::vector<ref::Tensor>> max = RunKernel("global_max_pool", {In(x)});
    ASSERT_TRUE(max.ok()) << max.status().message();
    EXPECT_TRUE(Near(max->at(0), *ref::GlobalMaxPool(x), kTolerance));
  }
}

TEST(DnnlPoolKernels, RejectsIndicesAndBadWindows) {
  const ref::Tensor x = Random({1, 4, 6, 6}, 3);
  rt::Result<std::vector<ref::Tensor>> r =
      RunKernel("max_pool", {In(x)}, {{"kernel_shape", Ints{2, 2}}}, {.num_outputs = 2});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("indices"), std::string::npos) << r.status().message();
  r = RunKernel("max_pool", {In(x)}, {{"kernel_shape", Ints{9, 9}}});
  ASSERT_FALSE(r.ok());
  r = RunKernel("average_pool", {In(x)});
  ASSERT_FALSE(r.ok());  // kernel_shape is required
  EXPECT_NE(r.status().message().find("kernel_shape"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace kiln::cloud::testing
