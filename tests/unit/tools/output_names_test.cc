#include "tools/kiln/output_names.h"

#include <gtest/gtest.h>

namespace kiln::cli {
namespace {

using Names = std::vector<std::string>;

TEST(OutputNamesTest, SafeNamesAreKept) {
  EXPECT_EQ(OutputFileNames({"logits", "prob-1.v2"}), (Names{"logits.npy", "prob-1.v2.npy"}));
}

TEST(OutputNamesTest, UnsafeCharactersBecomeUnderscores) {
  EXPECT_EQ(OutputFileNames({"/model/Conv:0", "a b"}), (Names{"_model_Conv_0.npy", "a_b.npy"}));
}

TEST(OutputNamesTest, ClashesGetNumberedSuffixes) {
  EXPECT_EQ(OutputFileNames({"a/b", "a:b", "a_b"}), (Names{"a_b.npy", "a_b_2.npy", "a_b_3.npy"}));
}

TEST(OutputNamesTest, DotsAndEmptyNamesAreNotPathComponents) {
  EXPECT_EQ(OutputFileNames({"..", "", "."}), (Names{"__.npy", "_.npy", "__2.npy"}));
}

}  // namespace
}  // namespace kiln::cli
