#include "frontends/onnx/tensor_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace kiln::onnx_import {
namespace {

namespace fs = std::filesystem;

TEST(TensorFileTest, ReadsASerializedTensorProto) {
  onnx::TensorProto t;
  t.set_name("input_0");
  t.set_data_type(onnx::TensorProto::INT64);
  t.add_dims(2);
  t.add_int64_data(-3);
  t.add_int64_data(9);
  fs::path path = fs::temp_directory_path() / ("kiln_tensor_" + std::to_string(getpid()) + ".pb");
  std::ofstream(path, std::ios::binary) << t.SerializeAsString();
  ir::Context ctx;
  Expected<ImportedTensor> read = ReadTensorProtoFile(path.string(), ctx);
  fs::remove(path);
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(read->name, "input_0");
  EXPECT_EQ(read->type->ToString(), "i64[2]");
  EXPECT_EQ(read->data->As<int64_t>()[0], -3);
  EXPECT_EQ(read->data->As<int64_t>()[1], 9);
}

// tools/setup.sh installs libonnx-testdata, so a missing file is a failure, not a skip.
TEST(TensorFileTest, ReadsAnOnnxTestInput) {
  const char* path = "/usr/share/libonnx-testdata/data/node/test_relu/test_data_set_0/input_0.pb";
  ASSERT_TRUE(fs::exists(path)) << path << " is missing: run tools/setup.sh";
  ir::Context ctx;
  Expected<ImportedTensor> read = ReadTensorProtoFile(path, ctx);
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(read->type->ToString(), "f32[3,4,5]");
}

TEST(TensorFileTest, ErrorsNameTheFile) {
  ir::Context ctx;
  Expected<ImportedTensor> missing = ReadTensorProtoFile("/nonexistent/x.pb", ctx);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "/nonexistent/x.pb: cannot open: No such file or directory");

  fs::path path = fs::temp_directory_path() / ("kiln_bad_" + std::to_string(getpid()) + ".pb");
  std::ofstream(path, std::ios::binary) << "\x0a\x05\x01";  // truncated
  Expected<ImportedTensor> bad = ReadTensorProtoFile(path.string(), ctx);
  fs::remove(path);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), path.string() + ": not a serialized ONNX TensorProto");
}

}  // namespace
}  // namespace kiln::onnx_import
