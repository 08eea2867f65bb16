// The layout helpers of runtime/cloud/dnnl_api.h: IsPlain, SameLayout, LayoutLike, and
// BoundPrimitive running a primitive on per-run and fixed buffers.
#include "runtime/cloud/dnnl_api.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::cloud {
namespace {

using tag = memory::format_tag;

memory::desc Desc(const Dims& dims, tag t) { return memory::desc(dims, memory::data_type::f32, t); }

TEST(DnnlApi, IsPlain) {
  EXPECT_TRUE(IsPlain(PlainDesc({2, 3, 4}, rt::DType::kF32)));
  EXPECT_TRUE(IsPlain(Desc({2, 3, 4, 5}, tag::nchw)));
  EXPECT_FALSE(IsPlain(Desc({2, 3, 4, 5}, tag::nhwc)));
  EXPECT_FALSE(IsPlain(Desc({2, 32, 4, 5}, tag::nChw16c)));
  // Layouts whose bytes are plain.
  EXPECT_TRUE(IsPlain(Desc({2, 32, 1, 1}, tag::nhwc)));
  EXPECT_TRUE(IsPlain(Desc({2, 32, 1, 1}, tag::nChw16c)));
  EXPECT_FALSE(IsPlain(Desc({2, 24, 1, 1}, tag::nChw16c)));  // padded to 32 channels
  EXPECT_FALSE(IsPlain(Desc({2, 32, 1, 2}, tag::nChw16c)));
  EXPECT_FALSE(IsPlain(memory::desc({4, 6}, memory::data_type::f32, memory::dims{1, 4})));
}

TEST(DnnlApi, SameLayoutIgnoresDims) {
  EXPECT_TRUE(SameLayout(Desc({1, 32, 8, 8}, tag::nChw16c), Desc({2, 48, 3, 3}, tag::nChw16c)));
  EXPECT_TRUE(SameLayout(Desc({1, 32, 8, 8}, tag::nhwc), Desc({2, 48, 3, 3}, tag::nhwc)));
  EXPECT_FALSE(SameLayout(Desc({1, 32, 8, 8}, tag::nChw16c), Desc({1, 32, 8, 8}, tag::nChw8c)));
  EXPECT_FALSE(SameLayout(Desc({1, 32, 8, 8}, tag::nhwc), Desc({1, 32, 8, 8}, tag::nchw)));
}

TEST(DnnlApi, LayoutLikeGivesTheSameBlocking) {
  for (tag t : {tag::nChw16c, tag::nChw8c, tag::nhwc, tag::nchw}) {
    const memory::desc like = Desc({2, 24, 5, 5}, t);
    for (const Dims& dims :
         {Dims{1, 24, 1, 1}, Dims{2, 24, 1, 1}, Dims{1, 1, 1, 1}, Dims{2, 24, 5, 5}}) {
      EXPECT_TRUE(LayoutLike(like, dims) == Desc(dims, t)) << static_cast<int>(t);
    }
  }
}

TEST(DnnlApi, BoundPrimitiveRunsOnPerRunAndFixedBuffers) {
  const memory::desc d = PlainDesc({4}, rt::DType::kF32);
  std::vector<float> a = {1, 2, 3, 4}, b = {10, 20, 30, 40}, out(4), out2(4);
  dnnl::binary::primitive_desc pd(dnnl::binary::desc(dnnl::algorithm::binary_add, d, d, d),
                                  CpuEngine());
  BoundPrimitive add{dnnl::binary(pd)};
  add.Bind(DNNL_ARG_SRC_0, d);
  add.Bind(DNNL_ARG_SRC_1, d, b.data());  // fixed
  add.Bind(DNNL_ARG_DST, d);
  dnnl::stream stream(CpuEngine());
  add.Set(DNNL_ARG_SRC_0, a.data());
  add.Set(DNNL_ARG_SRC_1, a.data());  // ignored: fixed
  add.Set(DNNL_ARG_DST, out.data());
  add.Execute(stream);
  stream.wait();
  EXPECT_EQ(out, (std::vector<float>{11, 22, 33, 44}));
  add.Set(DNNL_ARG_SRC_0, out.data());
  add.Set(DNNL_ARG_DST, out2.data());
  add.Execute(stream);
  stream.wait();
  EXPECT_EQ(out2, (std::vector<float>{21, 42, 63, 84}));
}

}  // namespace
}  // namespace kiln::cloud
