// One test per check of artifact_checks.h / op_checks.h: each breaks one thing in a valid model
// (artifact_test_builder.h's TinyModel) and expects the loader's one-line message for it.
// Tensors of TinyModel: 0 x (input), 1 w, 2 b (constants), 3 mm, 4 sum, 5 y (arena; y is the
// output, in place of sum), 6 wq (quantized constant). Ops: 0 MatMul_0, 1 Add_1, 2 Relu_2.
// Packed constants break PackedModel instead.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "runtime/core/artifact.h"
#include "tests/unit/runtime/artifact_test_builder.h"

namespace kiln::rt {
namespace {

using test::AttrKind;
using test::DType;
using test::ModelSpec;
using test::Storage;
using ::testing::HasSubstr;

// The load error after `mutate` breaks TinyModel; "" if it still loads.
std::string ErrorAfter(const std::function<void(ModelSpec&)>& mutate) {
  ModelSpec spec = test::TinyModel();
  mutate(spec);
  Result<std::unique_ptr<Artifact>> a =
      Artifact::FromBytes(test::BuildArtifact(spec), "m.kiln", "cloud");
  return a.ok() ? "" : a.status().message();
}

TEST(ArtifactChecksTest, TinyModelAndAnEmptyModelLoad) {
  EXPECT_EQ(ErrorAfter([](ModelSpec&) {}), "");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m = ModelSpec();
              m.graph_name = "empty";
            }),
            "");
}

TEST(ArtifactChecksTest, RequiredFieldsMustBePresent) {
  for (const char* field : {"tensors", "inputs", "outputs", "ops"}) {
    EXPECT_EQ(ErrorAfter([&](ModelSpec& m) { m.omit = {field}; }),
              std::string("'m.kiln': required field '") + field + "' is missing");
  }
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.constants.reset(); }),
            "'m.kiln': tensor 1 ('w'): constant bytes [0, 64) but the artifact has no constant "
            "blob");
}

TEST(ArtifactChecksTest, DimBoundsAreSortedUniqueAndPositive) {
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.dims = {{"N", 8}, {"B", 2}};
            }),
            "'m.kiln': dim bound 1 ('B'): dims are not sorted by symbol");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.dims = {{"N", 8}, {"N", 4}};
            }),
            "'m.kiln': dim bound 1 ('N'): the symbol is bounded twice");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.dims = {{"N", 0}};
            }),
            "'m.kiln': dim bound 0 ('N'): planned maximum 0 is less than 1");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.dims = {{"", 3}, {"N", 8}};
            }),
            "'m.kiln': dim bound 0 (''): the symbol is empty");
}

TEST(ArtifactChecksTest, MetadataIsSortedAndUnique) {
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.metadata = {{"b", "1"}, {"a", "2"}};
            }),
            "'m.kiln': metadata key 'a' comes after 'b' (metadata must be sorted by key)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.metadata = {{"a", "1"}, {"a", "2"}};
            }),
            "'m.kiln': metadata key 'a' appears twice");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.metadata = {{"a", "1"}, {"b", ""}}; }), "");
}

TEST(ArtifactChecksTest, ArenaAlignmentIsAPowerOfTwoUpTo4096) {
  for (uint32_t bad : {0u, 3u, 96u, 8192u}) {
    EXPECT_EQ(
        ErrorAfter([&](ModelSpec& m) { m.arena_alignment = bad; }),
        "'m.kiln': arena alignment " + std::to_string(bad) + " is not a power of two in [1, 4096]");
  }
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.arena_alignment = 1; }), "");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.arena_alignment = 4096; }),
            "'m.kiln': tensor 4 ('sum'): arena offset 128 is not a multiple of the arena "
            "alignment (4096)");
}

TEST(ArtifactChecksTest, EnumsAreInRange) {
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[3].dtype = static_cast<DType>(99); }),
            "'m.kiln': tensor 3 ('mm'): dtype 99 is not a known dtype");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[3].storage = static_cast<Storage>(3); }),
            "'m.kiln': tensor 3 ('mm'): storage 3 is not a known storage class");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.ops[0].attrs[1].kind = static_cast<AttrKind>(42); }),
            "'m.kiln': op 0 ('MatMul_0', matmul): attribute 'trans_b' has kind 42, not a known "
            "kind");
}

TEST(ArtifactChecksTest, ShapesAndSymbols) {
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[0].shape = {-1, 1, 1, 1, 1, 1, 1, 1, 4}; }),
            "'m.kiln': tensor 0 ('x'): rank 9 is more than 8");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[0].shape = {-1, -2};
            }),
            "'m.kiln': tensor 0 ('x'): dim 1 is -2 (a dim is a size >= 0, or -1 for a symbolic "
            "dim)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[3].symbols = {}; }),
            "'m.kiln': tensor 3 ('mm'): dim 0 is symbolic (-1) but has no symbol");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[3].symbols = {"N"}; }),
            "'m.kiln': tensor 3 ('mm'): 1 symbols for rank 2 (expected none or one per dim)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[3].symbols = {"M", ""};
            }),
            "'m.kiln': tensor 3 ('mm'): dim 0 is symbolic ('M') but the model plans no maximum "
            "for it");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.dims = {}; }),
            "'m.kiln': tensor 0 ('x'): dim 0 is symbolic ('N') but the model plans no maximum "
            "for it");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[3].symbols = {"N", "C"};
            }),
            "'m.kiln': tensor 3 ('mm'): dim 1 is static (4) but names symbol 'C'");
  // "?" is a dim the compiler could not name: fine in the arena (the bytes lower bound takes it
  // as 1), never in a constant.
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[3].shape = {-1, -1};
              m.tensors[3].symbols = {"N", "?"};
            }),
            "");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[1].shape = {4, -1};
              m.tensors[1].symbols = {"", "?"};
            }),
            "'m.kiln': tensor 1 ('w'): dim 1 is unknown ('?'), which a constant cannot be");
  // Names from the file are printed escaped and cut short.
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[3].name = "a\nb";
              m.tensors[3].symbols = {"M", ""};
            }),
            "'m.kiln': tensor 3 ('a\\x0ab'): dim 0 is symbolic ('M') but the model plans no "
            "maximum for it");
  EXPECT_THAT(ErrorAfter([](ModelSpec& m) {
                m.tensors[3].name = std::string(500, 'x');
                m.tensors[3].symbols = {"M", ""};
              }),
              HasSubstr("tensor 3 ('" + std::string(80, 'x') + "...'): "));
}

TEST(ArtifactChecksTest, SizesThatOverflowAreRejected) {
  const int64_t big = int64_t{1} << 40;
  EXPECT_EQ(ErrorAfter([&](ModelSpec& m) {
              m.tensors[1].shape = {big, big};
            }),
            "'m.kiln': tensor 1 ('w'): the shape is too large (its element count overflows)");
  // A zero dim does not excuse the others: kernels form partial products.
  EXPECT_THAT(ErrorAfter([&](ModelSpec& m) {
                m.tensors[1].shape = {0, big, big};
              }),
              HasSubstr("element count overflows"));
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[1].dtype = DType::I64;
              m.tensors[1].shape = {int64_t{1} << 31, int64_t{1} << 30};
            }),
            "'m.kiln': tensor 1 ('w'): the shape is too large (its byte size overflows)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.dims = {{"N", std::numeric_limits<int64_t>::max()}};
            }),
            "'m.kiln': tensor 0 ('x'): the shape is too large (its element count overflows)");
  // Offsets near 2^64: offset + bytes overflows.
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[1].offset = ~uint64_t{63}; }),
            "'m.kiln': tensor 1 ('w'): constant bytes start at 18446744073709551552 are outside "
            "the constant blob (132 bytes)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[3].offset = ~uint64_t{63}; }),
            "'m.kiln': tensor 3 ('mm'): arena slot at 18446744073709551552 is outside the arena "
            "(256 bytes)");
}

TEST(ArtifactChecksTest, ConstantsAreAlignedExactAndInsideTheBlob) {
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[2].offset = 32; }),
            "'m.kiln': tensor 2 ('b'): constant offset 32 is not a multiple of 64");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[2].bytes = 12; }),
            "'m.kiln': tensor 2 ('b'): the constant holds 12 bytes; its dtype and shape need 16");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[2].bytes = 64; }),
            "'m.kiln': tensor 2 ('b'): the constant holds 64 bytes; its dtype and shape need 16");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[6].offset = 192; }),
            "'m.kiln': tensor 6 ('wq'): constant bytes [192, 196) are outside the constant blob "
            "(132 bytes)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[1].shape = {-1, 4};
              m.tensors[1].symbols = {"N", ""};
            }),
            "'m.kiln': tensor 1 ('w'): a constant cannot have symbolic dims");
  // Sub-byte types round up: 3 x i4 is 2 bytes.
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[6].dtype = DType::I4;
              m.tensors[6].shape = {3};
              m.tensors[6].bytes = 2;
            }),
            "");
  EXPECT_THAT(ErrorAfter([](ModelSpec& m) { m.constants_misalignment = 32; }),
              HasSubstr("'m.kiln': the constant blob starts at byte "));
  EXPECT_THAT(ErrorAfter([](ModelSpec& m) { m.constants_misalignment = 32; }),
              HasSubstr(", not a multiple of 64"));
}

TEST(ArtifactChecksTest, ArenaSlotsAreAlignedInsideTheArenaAndBigEnough) {
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[3].offset = 32; }),
            "'m.kiln': tensor 3 ('mm'): arena offset 32 is not a multiple of the arena alignment "
            "(64)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[5].offset = 192; }),
            "'m.kiln': tensor 5 ('y'): arena slot [192, 320) is outside the arena (256 bytes)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.arena_bytes = 255; }),
            "'m.kiln': tensor 4 ('sum'): arena slot [128, 256) is outside the arena (255 bytes)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[3].bytes = 64; }),
            "'m.kiln': tensor 3 ('mm'): arena slot holds 64 bytes; the tensor needs 128 at its "
            "planned maximum dims");
}

TEST(ArtifactChecksTest, QuantizationParameters) {
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[6].quant->scales = {}; }),
            "'m.kiln': tensor 6 ('wq'): quantization has no scales");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[6].quant->zero_points = {0}; }),
            "'m.kiln': tensor 6 ('wq'): quantization has 1 zero points for 2 scales");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[6].quant->zero_points = {}; }), "");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[6].quant->axis = 2; }),
            "'m.kiln': tensor 6 ('wq'): quantization axis 2 is outside rank 2");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.tensors[6].quant->axis = -2; }),
            "'m.kiln': tensor 6 ('wq'): quantization axis -2 is outside rank 2");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[6].quant->axis = -1;
              m.tensors[6].quant->block_size = 2;
            }),
            "'m.kiln': tensor 6 ('wq'): quantization block size 2 needs to be 0, or positive "
            "with an axis");
}

// The load error after `mutate` breaks PackedModel (tensors: 0 x, 1 w, the packed constant:
// f32[5,3] as i4 in blocks of 2 along axis 0, 9 scales with zero points, 8 bytes; 2 y).
std::string PackedErrorAfter(const std::function<void(ModelSpec&)>& mutate) {
  ModelSpec spec = test::PackedModel();
  mutate(spec);
  Result<std::unique_ptr<Artifact>> a =
      Artifact::FromBytes(test::BuildArtifact(spec), "m.kiln", "cloud");
  return a.ok() ? "" : a.status().message();
}

TEST(ArtifactChecksTest, PackedConstants) {
  const std::string w = "'m.kiln': tensor 1 ('w'): ";
  // The loader's messages for packed constants are fixed reasons (runtime/core/packed_constant.h:
  // no formatting code in the edge runtime's size budget).
  const std::string not_packable = w +
                                   "packed constant: needs an f32 constant of static shape "
                                   "without quant, and i8, u8, i4 or u4 codes with quant";
  const std::string misfit = w +
                             "packed constant: quant does not fit the shape (axis, block size, "
                             "or count of scales or zero points)";
  const std::string out_of_range =
      w + "packed constant: a scale is not positive and finite, or a zero point is out of range";
  EXPECT_EQ(PackedErrorAfter([](ModelSpec&) {}), "");
  // The bytes are the codes: 15 x i4 is 8 bytes (not the 60 of f32, nor 15 of i8).
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].bytes = 60; }),
            w + "the constant holds 60 bytes; its packed dtype and shape need 8");
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].bytes = 7; }),
            w + "the constant holds 7 bytes; its packed dtype and shape need 8");
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].packed->dtype = DType::I8; }),
            w + "the constant holds 8 bytes; its packed dtype and shape need 15");
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) {
              m.tensors[1].packed->dtype = DType::I8;
              m.tensors[1].bytes = 15;
            }),
            "");
  // Code dtypes: i8, u8, i4, u4 only; zero points within the codes' range.
  for (DType bad : {DType::F32, DType::I16, DType::I32, DType::Bool, static_cast<DType>(200)}) {
    EXPECT_EQ(PackedErrorAfter([&](ModelSpec& m) { m.tensors[1].packed->dtype = bad; }),
              not_packable)
        << static_cast<int>(bad);
  }
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].packed->dtype = DType::U4; }),
            out_of_range);  // zero point -1
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].packed->quant->zero_points[4] = 8; }),
            out_of_range);
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].packed->quant->zero_points = {}; }),
            "");
  // Scales are positive and finite.
  for (float bad : {0.0f, -0.5f, std::numeric_limits<float>::quiet_NaN(),
                    std::numeric_limits<float>::infinity()}) {
    EXPECT_EQ(PackedErrorAfter([&](ModelSpec& m) { m.tensors[1].packed->quant->scales[3] = bad; }),
              out_of_range)
        << bad;
  }
  // One scale per block of each column: 3 x 3; per axis 5; per tensor 1; zero points none or one
  // per scale; the axis within the rank; a block size only with an axis.
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].packed->quant->scales.pop_back(); }),
            misfit);
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) {
              m.tensors[1].packed->quant->scales.pop_back();
              m.tensors[1].packed->quant->zero_points.clear();
            }),
            misfit);
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].packed->quant->zero_points = {0}; }),
            misfit);
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].packed->quant->block_size = 0; }),
            misfit);
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) {
              m.tensors[1].packed->quant->block_size = 3;  // blocks of 3 and 2 along 5
              m.tensors[1].packed->quant->scales.resize(6);
              m.tensors[1].packed->quant->zero_points.resize(6);
            }),
            "");
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) {
              m.tensors[1].packed->quant = test::QuantSpec{.scales = {0.5f}};
            }),
            "");
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) {
              m.tensors[1].packed->quant = test::QuantSpec{.scales = {0.5f, 0.5f}};
            }),
            misfit);
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) {
              m.tensors[1].packed->quant = test::QuantSpec{.axis = 1, .scales = {1, 2, 3}};
            }),
            "");
  for (int axis : {2, -2}) {
    EXPECT_EQ(PackedErrorAfter([&](ModelSpec& m) {
                m.tensors[1].packed->quant = test::QuantSpec{.axis = axis, .scales = {1.0f}};
              }),
              misfit)
        << axis;
  }
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].packed->quant->axis = -1; }),
            misfit);  // a block size without an axis
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].packed->quant->block_size = -2; }),
            misfit);
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].packed->quant->scales = {}; }),
            misfit);
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].packed->quant.reset(); }),
            not_packable);
  // The tensor itself: an f32 constant of static shape without quantization of its own.
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].dtype = DType::I4; }), not_packable);
  EXPECT_EQ(PackedErrorAfter(
                [](ModelSpec& m) { m.tensors[1].quant = test::QuantSpec{.scales = {1.0f}}; }),
            not_packable);
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) {
              m.dims = {{"N", 5}};
              m.tensors[1].shape = {-1, 3};
              m.tensors[1].symbols = {"N", ""};
            }),
            not_packable);
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) {
              m.tensors[2].packed = m.tensors[1].packed;
              m.tensors[2].bytes = 3;
            }),
            "'m.kiln': tensor 2 ('y'): packed constant: needs an f32 constant of static shape "
            "without quant, and i8, u8, i4 or u4 codes with quant");
  // Where the codes are is checked as for any constant.
  EXPECT_EQ(PackedErrorAfter([](ModelSpec& m) { m.tensors[1].offset = 64; }),
            w + "constant bytes [64, 72) are outside the constant blob (64 bytes)");
}

TEST(ArtifactChecksTest, InputsAndOutputsLists) {
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.inputs = {7}; }),
            "'m.kiln': input 0: tensor 7 is out of range (7 tensors)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.inputs = {0, 0};
            }),
            "'m.kiln': input 1: tensor 0 ('x') is listed twice");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.inputs = {1}; }),
            "'m.kiln': input 0: tensor 1 ('w') has storage constant, expected input");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.inputs = {}; }),
            "'m.kiln': tensor 0 ('x'): an input tensor that is not among the model's inputs");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.outputs = {0}; }),
            "'m.kiln': output 0: tensor 0 ('x') has storage input, expected arena");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.outputs = {5, 5};
            }),
            "'m.kiln': output 1: tensor 5 ('y') is listed twice");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.outputs = {-1}; }),
            "'m.kiln': output 0: tensor -1 is out of range (7 tensors)");
}

TEST(ArtifactChecksTest, OpOperands) {
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.ops[1].kernel = ""; }),
            "'m.kiln': op 1 ('Add_1', ): the kernel key is empty");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.ops[1].inputs = {3, 57};
            }),
            "'m.kiln': op 1 ('Add_1', add): input tensor 57 is out of range (7 tensors)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.ops[1].inputs = {-2, 3};
            }),
            "'m.kiln': op 1 ('Add_1', add): input tensor -2 is out of range (7 tensors)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.ops[1].inputs = {3, -1}; }), "");  // optional
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.ops[1].outputs = {-1}; }),
            "'m.kiln': op 1 ('Add_1', add): output tensor -1 is out of range (7 tensors)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.ops[2].outputs = {1}; }),
            "'m.kiln': op 2 ('Relu_2', relu): writes tensor 1 ('w'), which has storage constant "
            "(ops write only arena tensors)");
}

TEST(ArtifactChecksTest, EachArenaTensorHasOneWriterThatRunsBeforeItsReaders) {
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.ops[2].outputs = {4}; }),
            "'m.kiln': op 2 ('Relu_2', relu): writes tensor 4 ('sum'), which op 1 ('Add_1', add) "
            "already writes");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.ops[0].outputs = {3, 3};
            }),
            "'m.kiln': op 0 ('MatMul_0', matmul): writes tensor 3 ('mm') twice");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.ops[0].inputs = {0, 4};
            }),
            "'m.kiln': op 0 ('MatMul_0', matmul): reads tensor 4 ('sum') before any op writes it");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.ops[2].inputs = {5}; }),
            "'m.kiln': op 2 ('Relu_2', relu): reads tensor 5 ('y') before any op writes it");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { std::swap(m.ops[1], m.ops[2]); }),
            "'m.kiln': op 1 ('Relu_2', relu): reads tensor 4 ('sum') before any op writes it");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors.push_back({.name = "z", .shape = {4}, .offset = 0, .bytes = 16});
            }),
            "'m.kiln': tensor 7 ('z'): an arena tensor that no op writes");
}

TEST(ArtifactChecksTest, AttributesAreSortedUniqueAndComplete) {
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { std::swap(m.ops[1].attrs[0], m.ops[1].attrs[1]); }),
            "'m.kiln': op 1 ('Add_1', add): attribute 'axes' comes after 'coeffs' (attributes "
            "must be sorted by name)");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.ops[1].attrs[1].name = "axes"; }),
            "'m.kiln': op 1 ('Add_1', add): attribute 'axes' appears twice");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.ops[1].attrs[0].ints.reset(); }),
            "'m.kiln': op 1 ('Add_1', add): attribute 'axes' (ints) has no value");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.ops[1].attrs[1].floats.reset(); }),
            "'m.kiln': op 1 ('Add_1', add): attribute 'coeffs' (floats) has no value");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.ops[1].attrs[3].strings.reset(); }),
            "'m.kiln': op 1 ('Add_1', add): attribute 'tags' (strings) has no value");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) { m.ops[1].attrs[0].ints = std::vector<int64_t>(); }),
            "");  // an empty list is a value
}

TEST(ArtifactChecksTest, LiveArenaSlotsDoNotOverlapExceptInPlace) {
  // sum at 64 overlaps mm [0, 128) while op 1 reads mm and writes sum.
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[4].offset = 64;
              m.tensors[5].offset = 64;
            }),
            "'m.kiln': tensor 3 ('mm') and tensor 4 ('sum') share arena bytes [64, 128) while both "
            "are live (op 1)");
  // At the same offset it is an in-place pair: op 1 ends mm's lifetime and reads it.
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[4].offset = 0;
              m.tensors[5].offset = 0;
              m.arena_bytes = 128;
            }),
            "");
  // Not if mm lives on past op 1.
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[4].offset = 0;
              m.ops[2].inputs = {4, 3};
            }),
            "'m.kiln': tensor 3 ('mm') and tensor 4 ('sum') share arena bytes [0, 128) while both "
            "are live (op 1)");
  // Model outputs live to the end: mm as an output cannot be reused in place.
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[4].offset = 0;
              m.outputs = {3, 5};
            }),
            "'m.kiln': tensor 3 ('mm') and tensor 4 ('sum') share arena bytes [0, 128) while both "
            "are live (op 1)");
  // Two outputs of one op at one offset are never an in-place pair.
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors.push_back({.name = "aux", .shape = {4}, .offset = 0, .bytes = 16});
              m.ops[0].outputs = {3, 7};
            }),
            "'m.kiln': tensor 3 ('mm') and tensor 7 ('aux') share arena bytes [0, 16) while both "
            "are live (op 0)");
  // A slot of zero bytes clashes with nothing.
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors.push_back({.name = "none", .shape = {0, 4}, .offset = 64, .bytes = 0});
              m.ops[0].outputs = {3, 7};
            }),
            "");
  // Lifetimes that only touch at an op overlap: op 2 reads mm, so y may take mm's slot in place
  // but not part of it.
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[5].offset = 0;
              m.ops[2].inputs = {4, 3};
            }),
            "");
  EXPECT_EQ(ErrorAfter([](ModelSpec& m) {
              m.tensors[5].offset = 64;
              m.ops[2].inputs = {4, 3};
            }),
            "'m.kiln': tensor 3 ('mm') and tensor 5 ('y') share arena bytes [64, 128) while both "
            "are live (op 2)");
}

}  // namespace
}  // namespace kiln::rt
