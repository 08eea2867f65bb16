// EdgeModel on small hand-built artifacts (artifact_test_builder.h): matmul (XNNPACK fully
// connected), a broadcast add and an in-place relu, and a matmul by a packed (i4) weight, against
// the same math done in double here;
// the planned arena and a re-plan beyond the planned batch; input checks; and every corrupt
// artifact rejected with exactly the shared loader's message (the cloud runtime loads through the
// same rt::Artifact, tested in tests/unit/runtime/artifact_integrity_test.cc).
#include "runtime/edge/edge_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "runtime/core/artifact.h"
#include "tests/unit/runtime/artifact_test_builder.h"

namespace kiln::edge {
namespace {

using ::testing::HasSubstr;

rt::test::ModelSpec EdgeTinyModel() {
  rt::test::ModelSpec spec = rt::test::TinyModel();
  spec.target = "edge";
  return spec;
}

std::unique_ptr<EdgeModel> Load(const std::vector<uint8_t>& bytes, int threads = 1) {
  rt::Result<std::unique_ptr<rt::Artifact>> a = rt::Artifact::FromBytes(bytes, "m.kiln", "edge");
  EXPECT_TRUE(a.ok()) << a.status().message();
  if (!a.ok()) return nullptr;
  rt::Result<std::unique_ptr<EdgeModel>> m = EdgeModel::Create(std::move(*a), {threads});
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(*m) : nullptr;
}

// relu(x * w + b) in double, as TinyModel defines w and b.
std::vector<double> Expected(const std::vector<float>& x, int64_t rows) {
  std::vector<double> y(static_cast<size_t>(rows * 4));
  const double b[4] = {0.5, -1.0, 2.0, 0.0};
  for (int64_t r = 0; r < rows; ++r) {
    for (int n = 0; n < 4; ++n) {
      double sum = b[n];
      for (int k = 0; k < 4; ++k) sum += x[r * 4 + k] * 0.25 * (k * 4 + n - 8);
      y[r * 4 + n] = std::max(sum, 0.0);
    }
  }
  return y;
}

// Runs `model` on `rows` rows and compares with Expected: max relative error <= 1e-6.
void RunAndCheck(EdgeModel& model, int64_t rows) {
  std::vector<float> x(static_cast<size_t>(rows * 4));
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.7f * static_cast<float>(i)) * 3.0f;
  const int64_t dims[2] = {rows, 4};
  TensorView input{rt::DType::kF32, dims, x.data()};
  rt::Status s = model.Run({&input, 1});
  ASSERT_TRUE(s.ok()) << s.message();
  TensorView y = model.output(0);
  ASSERT_EQ(std::vector<int64_t>(y.dims.begin(), y.dims.end()), (std::vector<int64_t>{rows, 4}));
  const std::vector<double> want = Expected(x, rows);
  double max_abs = 0, max_err = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    max_abs = std::max(max_abs, std::fabs(want[i]));
    max_err = std::max(max_err, std::fabs(static_cast<const float*>(y.data)[i] - want[i]));
  }
  EXPECT_GT(max_abs, 1.0);
  EXPECT_LE(max_err / max_abs, 1e-6) << rows << " rows";
}

TEST(EdgeModelTest, RunsWithinAndBeyondThePlannedBatch) {
  for (int threads : {1, 2}) {
    std::unique_ptr<EdgeModel> model = Load(rt::test::BuildArtifact(EdgeTinyModel()), threads);
    ASSERT_NE(model, nullptr);
    RunAndCheck(*model, 3);
    EXPECT_TRUE(model->prepare_stats().planned_arena);
    RunAndCheck(*model, 20);  // the artifact planned for N <= 8
    EXPECT_FALSE(model->prepare_stats().planned_arena);
    RunAndCheck(*model, 1);
    EXPECT_TRUE(model->prepare_stats().planned_arena);
  }
}

// A packed constant (artifact_test_builder.h's PackedModel: an i4 weight in blocks with zero
// points) is decoded when the artifact loads, here under qemu too, and XNNPACK multiplies by it.
TEST(EdgeModelTest, RunsAMatmulWithAPackedWeight) {
  rt::test::ModelSpec spec = rt::test::PackedModel();
  spec.target = "edge";
  std::unique_ptr<EdgeModel> model = Load(rt::test::BuildArtifact(spec));
  ASSERT_NE(model, nullptr);
  // w = (code - zero point) * scale, with the codes 0..14 in i4 (PackedModel's comment).
  const double w[5][3] = {{0 * 0.5, 0 * 0.25, 3 * 1.0},
                          {3 * 0.5, 3 * 0.25, 6 * 1.0},
                          {4 * 0.125, 7 * 2.0, 0 * 0.75},
                          {-9 * 0.125, -6 * 2.0, 3 * 0.75},
                          {-11 * 1.5, -3 * 0.0625, -5 * 3.0}};
  std::vector<float> x(10);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.9f * static_cast<float>(i)) * 2.0f;
  const int64_t dims[2] = {2, 5};
  TensorView input{rt::DType::kF32, dims, x.data()};
  rt::Status s = model->Run({&input, 1});
  ASSERT_TRUE(s.ok()) << s.message();
  TensorView y = model->output(0);
  ASSERT_EQ(std::vector<int64_t>(y.dims.begin(), y.dims.end()), (std::vector<int64_t>{2, 3}));
  double max_abs = 0, max_err = 0;
  for (int r = 0; r < 2; ++r) {
    for (int n = 0; n < 3; ++n) {
      double want = 0;
      for (int k = 0; k < 5; ++k) want += x[r * 5 + k] * w[k][n];
      max_abs = std::max(max_abs, std::fabs(want));
      max_err = std::max(max_err, std::fabs(static_cast<const float*>(y.data)[r * 3 + n] - want));
    }
  }
  EXPECT_GT(max_abs, 1.0);
  EXPECT_LE(max_err / max_abs, 1e-6);
}

TEST(EdgeModelTest, ChecksInputs) {
  std::unique_ptr<EdgeModel> model = Load(rt::test::BuildArtifact(EdgeTinyModel()));
  ASSERT_NE(model, nullptr);
  std::vector<float> x(12);
  const int64_t wrong_dims[2] = {3, 5};
  TensorView input{rt::DType::kF32, wrong_dims, x.data()};
  EXPECT_EQ(model->Run({&input, 1}).message(),
            "'m.kiln': input 'x' has shape [?,4] (?: any size), got [3,5]");
  const int64_t dims[2] = {3, 4};
  input = {rt::DType::kI32, dims, x.data()};
  EXPECT_EQ(model->Run({&input, 1}).message(), "'m.kiln': input 'x' is f32, got i32");
  EXPECT_EQ(model->Run({}).message(), "'m.kiln': the model takes 1 inputs, got 0");
}

TEST(EdgeModelTest, NamesAnOpItHasNoKernelFor) {
  rt::test::ModelSpec spec = EdgeTinyModel();
  spec.ops[2].kernel = "lstm";
  rt::Result<std::unique_ptr<rt::Artifact>> a =
      rt::Artifact::FromBytes(rt::test::BuildArtifact(spec), "m.kiln", "edge");
  ASSERT_TRUE(a.ok()) << a.status().message();
  rt::Result<std::unique_ptr<EdgeModel>> m = EdgeModel::Create(std::move(*a), {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "'m.kiln': op 2 ('Relu_2', lstm): the edge runtime has no kernel 'lstm'");
}

TEST(EdgeModelTest, RejectsACloudArtifact) {
  rt::Result<std::unique_ptr<rt::Artifact>> a =
      rt::Artifact::FromBytes(rt::test::BuildArtifact(rt::test::TinyModel()), "m.kiln", "edge");
  ASSERT_FALSE(a.ok());
  EXPECT_THAT(a.status().message(), HasSubstr("compiled for target 'cloud'"));
}

// A single-bit flip at every 5th byte (every byte is tried on the shared loader by
// artifact_integrity_test; this keeps the file round trips few enough for qemu) and every 7th
// truncation: the edge runtime's load fails, with the shared loader's message for those bytes.
TEST(EdgeModelTest, RejectsEveryCorruptArtifactLikeTheSharedLoader) {
  const std::vector<uint8_t> good = rt::test::BuildArtifact(EdgeTinyModel());
  const std::string path = ::testing::TempDir() + "edge_model_test.kiln";
  auto load_file = [&](const std::vector<uint8_t>& bytes) {
    FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
    rt::Result<std::unique_ptr<EdgeModel>> m = EdgeModel::Load(path, {});
    return m.ok() ? std::string("(loaded)") : m.status().message();
  };
  auto shared = [&](const std::vector<uint8_t>& bytes) {
    rt::Result<std::unique_ptr<rt::Artifact>> a = rt::Artifact::FromBytes(bytes, path, "edge");
    return a.ok() ? std::string("(loaded)") : a.status().message();
  };
  ASSERT_EQ(load_file(good), "(loaded)");
  int cases = 0;
  for (size_t pos = 0; pos < good.size(); pos += 5) {
    std::vector<uint8_t> bad = good;
    bad[pos] ^= static_cast<uint8_t>(1u << (pos % 8));
    const std::string message = load_file(bad);
    ASSERT_NE(message, "(loaded)") << "bit flip at byte " << pos;
    ASSERT_EQ(message, shared(bad)) << "bit flip at byte " << pos;
    ++cases;
  }
  for (size_t size = 0; size < good.size(); size += 7) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(size));
    const std::string message = load_file(cut);
    ASSERT_NE(message, "(loaded)") << "cut to " << size << " bytes";
    ASSERT_EQ(message, shared(cut)) << "cut to " << size << " bytes";
    ++cases;
  }
  EXPECT_GT(cases, 300);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace kiln::edge
