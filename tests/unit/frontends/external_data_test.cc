#include "frontends/onnx/external_data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "frontends/onnx/importer.h"
#include "tests/unit/frontends/onnx_model_builder.h"

namespace kiln::onnx_import {
namespace {

using ::testing::HasSubstr;
using testing::OnnxModelBuilder;
namespace fs = std::filesystem;

class ExternalDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kiln_extdata_" + std::to_string(getpid()));
    fs::create_directories(dir_ / "model");
    // 16 bytes of padding, then four floats.
    std::ofstream out(dir_ / "model" / "weights.bin", std::ios::binary);
    std::string pad(16, 'x');
    out.write(pad.data(), 16);
    float values[4] = {1.0f, 2.0f, 3.0f, 4.0f};
    out.write(reinterpret_cast<const char*>(values), sizeof values);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static onnx::TensorProto Tensor(const std::string& location, const std::string& offset,
                                  const std::string& length) {
    onnx::TensorProto t;
    t.set_name("w");
    t.set_data_type(onnx::TensorProto::FLOAT);
    t.add_dims(4);
    t.set_data_location(onnx::TensorProto::EXTERNAL);
    for (auto [k, v] : {std::pair{"location", location}, {"offset", offset}, {"length", length}}) {
      if (v.empty()) continue;
      auto* e = t.add_external_data();
      e->set_key(k);
      e->set_value(v);
    }
    return t;
  }

  std::string Error(const onnx::TensorProto& t) {
    auto d = ReadExternalData(t, (dir_ / "model").string(), 16);
    return d ? "no error" : d.error().message();
  }

  fs::path dir_;
};

TEST_F(ExternalDataTest, MapsTheBytesAtOffset) {
  auto d = ReadExternalData(Tensor("weights.bin", "16", "16"), (dir_ / "model").string(), 16);
  ASSERT_TRUE(d) << d.error().message();
  ASSERT_EQ((*d)->size(), 16u);
  EXPECT_EQ((*d)->As<float>()[3], 4.0f);
}

TEST_F(ExternalDataTest, RejectsEscapingLocations) {
  EXPECT_THAT(Error(Tensor("../weights.bin", "", "")), HasSubstr("without '..'"));
  EXPECT_THAT(Error(Tensor((dir_ / "model" / "weights.bin").string(), "", "")),
              HasSubstr("must be a relative path"));
  fs::create_symlink(dir_ / "outside.bin", dir_ / "model" / "link.bin");
  std::ofstream(dir_ / "outside.bin") << "0123456789abcdef";
  EXPECT_THAT(Error(Tensor("link.bin", "", "")), HasSubstr("resolves outside the model directory"));
}

TEST_F(ExternalDataTest, ChecksOffsetAndLengthAgainstTheFile) {
  EXPECT_THAT(Error(Tensor("weights.bin", "64", "16")), HasSubstr("beyond the end"));
  EXPECT_THAT(Error(Tensor("weights.bin", "24", "16")), HasSubstr("beyond the end"));
  EXPECT_THAT(Error(Tensor("weights.bin", "0", "8")),
              HasSubstr("has 8 bytes, but the tensor needs 16"));
  EXPECT_THAT(Error(Tensor("weights.bin", "-1", "")), HasSubstr("is not a number"));
  EXPECT_THAT(Error(Tensor("missing.bin", "", "")), HasSubstr("No such file"));
}

TEST_F(ExternalDataTest, ImporterReadsInitializersRelativeToTheModel) {
  OnnxModelBuilder m;
  *m.model.mutable_graph()->add_initializer() = Tensor("weights.bin", "16", "");
  m.Output("w");
  std::string path = (dir_ / "model" / "m.onnx").string();
  std::ofstream(path, std::ios::binary) << m.Bytes();
  ir::Context ctx;
  auto g = ImportOnnxFile(path, ctx);
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_EQ((*g)->constant(0)->constant()->data->As<float>()[0], 1.0f);

  // From bytes there is no directory to read from.
  auto from_bytes = m.Import(ctx);
  ASSERT_FALSE(from_bytes);
  EXPECT_THAT(from_bytes.error().message(),
              HasSubstr("model.onnx: tensor 'w': external data needs the model's directory"));
}

// Models over protobuf's 2 GB limit keep their weights in external files: a 2.25 GB sparse
// file (no disk or memory cost until read) holds a 2.2 GB tensor and, past the 2 GB mark, a
// small one; both import without being copied, and the small one reads back exactly.
TEST_F(ExternalDataTest, TensorsBeyondTwoGigabytesImport) {
  constexpr int64_t kBigFloats = 550'000'000;  // 2.2e9 bytes
  constexpr int64_t kSmallOffset = int64_t{2'240'000'000};
  fs::path bin = dir_ / "model" / "big.bin";
  {
    std::ofstream out(bin, std::ios::binary);
    out.seekp(kSmallOffset);
    float values[4] = {5.0f, -6.0f, 7.5f, 8.0f};
    out.write(reinterpret_cast<const char*>(values), sizeof values);
  }
  ASSERT_EQ(fs::file_size(bin), static_cast<uintmax_t>(kSmallOffset + 16));
  OnnxModelBuilder m;
  onnx::TensorProto big = Tensor("big.bin", "0", std::to_string(kBigFloats * 4));
  big.set_name("big");
  big.set_dims(0, kBigFloats);
  *m.model.mutable_graph()->add_initializer() = big;
  onnx::TensorProto small = Tensor("big.bin", std::to_string(kSmallOffset), "16");
  small.set_name("small");
  *m.model.mutable_graph()->add_initializer() = small;
  m.Output("big");
  m.Output("small");
  std::string path = (dir_ / "model" / "m.onnx").string();
  std::ofstream(path, std::ios::binary) << m.Bytes();
  ir::Context ctx;
  auto g = ImportOnnxFile(path, ctx);
  ASSERT_TRUE(g) << g.error().message();
  ASSERT_EQ((*g)->num_constants(), 2);
  EXPECT_EQ((*g)->constant(0)->constant()->data->size(), static_cast<size_t>(kBigFloats * 4));
  std::span<const float> v = (*g)->constant(1)->constant()->data->As<float>();
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], 5.0f);
  EXPECT_EQ(v[1], -6.0f);
  EXPECT_EQ(v[3], 8.0f);
}

}  // namespace
}  // namespace kiln::onnx_import
