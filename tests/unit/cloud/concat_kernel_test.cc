// The oneDNN concat kernel against ref::Concat: every axis, plain and blocked inputs, empty
// inputs. Exact (a copy): max |d| / max |ref| == 0.
#include <gtest/gtest.h>

#include "runtime/reference/kernels/concat.h"
#include "tests/unit/cloud/kernel_harness.h"

namespace kiln::cloud::testing {
namespace {

TEST(DnnlConcatKernel, EveryAxis) {
  for (int64_t axis : {0, 1, 2, 3, -1}) {
    SCOPED_TRACE("axis " + std::to_string(axis));
    const int64_t a = axis < 0 ? axis + 4 : axis;
    ref::Shape s1 = {2, 3, 4, 5}, s2 = s1, s3 = s1;
    s2[a] = 1;
    s3[a] = 3;
    const std::vector<ref::Tensor> xs = {Random(s1, 1), Random(s2, 2), Random(s3, 3)};
    rt::Result<std::vector<ref::Tensor>> got =
        RunKernel("concat", {In(xs[0]), In(xs[1]), In(xs[2])}, {{"axis", axis}});
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_TRUE(Near(got->at(0), *ref::Concat(xs, axis), 0.0));
  }
  const std::vector<ref::Tensor> xs = {Random({7}, 4), Random({0}, 5), Random({2}, 6)};
  rt::Result<std::vector<ref::Tensor>> got =
      RunKernel("concat", {In(xs[0]), In(xs[1]), In(xs[2])}, {{"axis", int64_t{0}}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(Near(got->at(0), *ref::Concat(xs, 0), 0.0));
}

TEST(DnnlConcatKernel, ChannelConcatKeepsABlockedLayout) {
  for (memory::format_tag tag : {memory::format_tag::nChw16c, memory::format_tag::nhwc}) {
    const std::vector<ref::Tensor> xs = {Random({1, 32, 4, 4}, 7), Random({1, 16, 4, 4}, 8)};
    std::vector<LaidOutTensor> ts;
    for (const ref::Tensor& x : xs) {
      ts.push_back(LaidOutTensor::FromPlain(x).Reordered(
          memory::desc(x.shape(), memory::data_type::f32, tag)));
    }
    KernelSession session("concat", {{"axis", int64_t{1}}}, {.output_must_be_plain = false});
    EXPECT_TRUE(session.kernel()->ReadsBlocked(0));
    rt::Result<std::vector<LaidOutTensor>> got = session.Run({{&ts[0]}, {&ts[1]}});
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_TRUE(session.required()[0] == ts[0].desc());
    EXPECT_TRUE(SameLayout(got->at(0).desc(), ts[0].desc()));
    EXPECT_TRUE(Near(got->at(0).ToPlain(), *ref::Concat(xs, 1), 0.0));
  }
}

TEST(DnnlConcatKernel, MixedLayoutsGoPlain) {
  const std::vector<ref::Tensor> xs = {Random({1, 8, 3, 3}, 9), Random({1, 4, 3, 3}, 10)};
  LaidOutTensor a = LaidOutTensor::FromPlain(xs[0]).Reordered(
      memory::desc({1, 8, 3, 3}, memory::data_type::f32, memory::format_tag::nChw8c));
  LaidOutTensor b = LaidOutTensor::FromPlain(xs[1]);
  KernelSession session("concat", {{"axis", int64_t{1}}}, {.output_must_be_plain = false});
  rt::Result<std::vector<LaidOutTensor>> got = session.Run({{&a}, {&b}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(IsPlain(session.required()[0]));
  EXPECT_TRUE(IsPlain(got->at(0).desc()));
  EXPECT_TRUE(Near(got->at(0).ToPlain(), *ref::Concat(xs, 1), 0.0));
}

TEST(DnnlConcatKernel, RejectsMismatchedShapes) {
  rt::Result<std::vector<ref::Tensor>> r =
      RunKernel("concat", {In(Random({2, 3}, 1)), In(Random({3, 3}, 2))}, {{"axis", int64_t{1}}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("op 0 ('test_op', concat): input 1 has shape [3,3]"),
            std::string::npos)
      << r.status().message();
  r = RunKernel("concat", {In(Random({2, 3}, 1))});
  ASSERT_FALSE(r.ok());  // axis is required
}

}  // namespace
}  // namespace kiln::cloud::testing
