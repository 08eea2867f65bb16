#include "tools/kiln/atomic_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

namespace kiln::cli {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kiln_atomic_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  int FilesIn(const fs::path& d) const {
    return static_cast<int>(std::distance(fs::directory_iterator(d), fs::directory_iterator()));
  }
  fs::path dir_;
};

TEST_F(AtomicFileTest, WritesAndReplaces) {
  std::string path = (dir_ / "out.kir").string();
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second").ok());
  Expected<std::string> back = ReadFile(path);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "second");
  EXPECT_EQ(FilesIn(dir_), 1);  // no temporary left behind
}

TEST_F(AtomicFileTest, FailureLeavesNothingBehind) {
  // The destination is a directory: the rename fails after the data was written.
  fs::create_directories(dir_ / "taken");
  fs::create_directories(dir_ / "taken" / "inner");
  Status s = WriteFileAtomically((dir_ / "taken").string(), "data");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), ::testing::HasSubstr("cannot write"));
  EXPECT_EQ(FilesIn(dir_), 1);  // just "taken"
}

TEST_F(AtomicFileTest, MissingFolderIsAnError) {
  Status s = WriteFileAtomically((dir_ / "no" / "such" / "out.kir").string(), "x");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), ::testing::HasSubstr("No such file or directory"));
}

TEST_F(AtomicFileTest, ReadFileErrorsNameTheFile) {
  Expected<std::string> missing = ReadFile((dir_ / "missing.kir").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message(), ::testing::HasSubstr("missing.kir"));
  Expected<std::string> folder = ReadFile(dir_.string());
  ASSERT_FALSE(folder.ok());
  EXPECT_THAT(folder.error().message(), ::testing::HasSubstr("is a directory"));
}

}  // namespace
}  // namespace kiln::cli
