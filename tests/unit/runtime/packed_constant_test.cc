// Packed constants decoded by the loader (runtime/core/packed_constant.h) against the reference
// runtime's Dequantize (runtime/reference/kernels/quantize.h) on the same codes: the same f32
// bits, for i8/u8/i4/u4 per tensor, per axis and per block, with and without zero points, odd
// element counts (a last i4 byte with a padding nibble) and blocks that do not divide the axis.
#include "runtime/core/packed_constant.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "runtime/core/artifact.h"
#include "runtime/core/artifact_dtype.h"
#include "runtime/reference/kernels/quantize.h"
#include "tests/unit/runtime/artifact_test_builder.h"

namespace kiln::rt {
namespace {

using test::DType;

struct Case {
  DType dtype;
  std::vector<int64_t> shape;
  int axis = -1;  // -1: per tensor
  int block_size = 0;
  bool zero_points = false;
};

std::string Describe(const Case& c) {
  std::string s = std::string(artifact::EnumNameDType(c.dtype)) + " [";
  for (size_t i = 0; i < c.shape.size(); ++i) s += (i ? "," : "") + std::to_string(c.shape[i]);
  return s + "] axis=" + std::to_string(c.axis) + " block_size=" + std::to_string(c.block_size) +
         (c.zero_points ? " with zero points" : "");
}

// Loads a model holding one packed constant with random codes (padding nibble included),
// scales and zero points, and compares its decoded bytes with ref::Dequantize's.
void ExpectDecodeMatchesReference(const Case& c, uint32_t seed) {
  SCOPED_TRACE(Describe(c));
  std::mt19937 rng(seed);
  int64_t count = 1;
  for (int64_t d : c.shape) count *= d;
  const bool four = c.dtype == DType::I4 || c.dtype == DType::U4;
  const int64_t lo = c.dtype == DType::I4 ? -8 : c.dtype == DType::I8 ? -128 : 0;
  const int64_t hi = lo + (four ? 15 : 255);
  const int64_t bytes = four ? (count + 1) / 2 : count;
  std::vector<uint8_t> codes(static_cast<size_t>(bytes));
  for (uint8_t& b : codes) b = static_cast<uint8_t>(rng());

  int64_t num_scales = 1;
  if (c.axis >= 0) {
    num_scales = c.block_size > 0 ? 1 : c.shape[c.axis];
    for (int d = 0; c.block_size > 0 && d < static_cast<int>(c.shape.size()); ++d) {
      num_scales *= d == c.axis ? (c.shape[d] + c.block_size - 1) / c.block_size : c.shape[d];
    }
  }
  std::uniform_real_distribution<float> scale(1e-3f, 2.0f);
  std::uniform_int_distribution<int64_t> zero_point(lo, hi);
  test::QuantSpec quant{.axis = c.axis, .block_size = c.block_size};
  ref::QuantParams params;
  params.granularity = c.axis < 0          ? ref::QuantGranularity::kPerTensor
                       : c.block_size == 0 ? ref::QuantGranularity::kPerAxis
                                           : ref::QuantGranularity::kPerBlock;
  params.axis = c.axis < 0 ? 0 : c.axis;
  params.block_size = c.block_size;
  for (int64_t s = 0; s < num_scales; ++s) {
    quant.scales.push_back(scale(rng));
    params.scales.push_back(quant.scales.back());
    if (c.zero_points) {
      quant.zero_points.push_back(zero_point(rng));
      params.zero_points.push_back(static_cast<int32_t>(quant.zero_points.back()));
    }
  }

  test::ModelSpec spec;
  spec.tensors = {{.name = "w",
                   .shape = c.shape,
                   .storage = test::Storage::Constant,
                   .offset = 0,
                   .bytes = static_cast<uint64_t>(bytes),
                   .packed = test::PackedSpec{.dtype = c.dtype, .quant = quant}}};
  std::vector<uint8_t> blob = codes;
  blob.resize((blob.size() + 63) / 64 * 64, 0);
  spec.constants = blob;
  Result<std::unique_ptr<Artifact>> a = Artifact::FromBytes(test::BuildArtifact(spec), "p", "");
  ASSERT_TRUE(a.ok()) << a.status().message();
  std::span<const uint8_t> got = (*a)->ConstantBytes(0);
  ASSERT_EQ(got.size(), static_cast<size_t>(count) * 4);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(got.data()) % 64, 0u);

  const ref::Tensor q = ref::Tensor::Borrow(ToDType(c.dtype), c.shape, codes.data(), nullptr);
  Result<ref::Tensor> want = ref::Dequantize(q, params);
  ASSERT_TRUE(want.ok()) << want.status().message();
  ASSERT_EQ(want->num_elements(), count);
  for (int64_t i = 0; i < count; ++i) {
    uint32_t g = 0, w = 0;
    std::memcpy(&g, got.data() + i * 4, 4);
    std::memcpy(&w, want->data<float>() + i, 4);
    ASSERT_EQ(g, w) << "element " << i << ": " << reinterpret_cast<const float*>(got.data())[i]
                    << " vs " << want->data<float>()[i];
  }
}

TEST(PackedConstantTest, DecodesLikeTheReferenceDequantizeBitForBit) {
  uint32_t seed = 1;
  for (DType dtype : {DType::I8, DType::U8, DType::I4, DType::U4}) {
    for (bool zero_points : {false, true}) {
      const std::vector<Case> cases = {
          {dtype, {7}, -1, 0, zero_points},       // per tensor, odd count
          {dtype, {}, -1, 0, zero_points},        // a scalar
          {dtype, {3, 5, 7}, 0, 0, zero_points},  // per axis, each axis
          {dtype, {3, 5, 7}, 1, 0, zero_points},
          {dtype, {3, 5, 7}, 2, 0, zero_points},
          {dtype, {4, 64}, 1, 32, zero_points},        // per block along K
          {dtype, {5, 70}, 1, 32, zero_points},        // a short last block, odd rows
          {dtype, {3, 9, 5}, 1, 4, zero_points},       // per block in the middle
          {dtype, {9, 3}, 0, 2, zero_points},          // per block along the first axis
          {dtype, {2, 3, 5, 7}, 3, 3, zero_points},    // per block along the last axis
          {dtype, {8, 64, 3, 3}, 1, 32, zero_points},  // a conv weight, blocks along C_in
          {dtype, {6, 1, 1}, 0, 1, zero_points},       // blocks of one
      };
      for (const Case& c : cases) ExpectDecodeMatchesReference(c, seed++);
    }
  }
}

TEST(PackedConstantTest, EachElementTakesItsGroupsScaleAndZeroPoint) {
  test::ModelSpec spec = test::PackedModel();
  Result<std::unique_ptr<Artifact>> a = Artifact::FromBytes(test::BuildArtifact(spec), "p", "");
  ASSERT_TRUE(a.ok()) << a.status().message();
  const artifact::Tensor& w = *(*a)->model().tensors()->Get(1);
  EXPECT_EQ(PackedElementCount(w), 15u);
  uint64_t bytes = 0;
  EXPECT_EQ(PackedConstantProblem(w, bytes), nullptr);
  EXPECT_EQ(bytes, 8u);
  // w[r][c] = (code - zp) * scale with codes 0..14 (low nibble first), signed; scale and zero
  // point of block r / 2 in column c.
  const std::vector<float> want = {
      (0 - 0) * 0.5f,    (1 - 1) * 0.25f,    (2 + 1) * 1.0f,    // row 0, block 0
      (3 - 0) * 0.5f,    (4 - 1) * 0.25f,    (5 + 1) * 1.0f,    // row 1, block 0
      (6 - 2) * 0.125f,  (7 - 0) * 2.0f,     (-8 + 8) * 0.75f,  // row 2, block 1
      (-7 - 2) * 0.125f, (-6 - 0) * 2.0f,    (-5 + 8) * 0.75f,  // row 3, block 1
      (-4 - 7) * 1.5f,   (-3 - 0) * 0.0625f, (-2 - 3) * 3.0f};  // row 4, block 2
  std::span<const uint8_t> got = (*a)->ConstantBytes(1);
  ASSERT_EQ(got.size(), want.size() * 4);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(reinterpret_cast<const float*>(got.data())[i], want[i]) << "element " << i;
  }
}

}  // namespace
}  // namespace kiln::rt
