#include "tools/kiln/split_input.h"

#include <gtest/gtest.h>

namespace kiln::cli {
namespace {

TEST(SplitInputTest, NoMarkerIsOneChunk) {
  auto chunks = SplitInputFile("a\nb\n");
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].text, "a\nb\n");
}

TEST(SplitInputTest, ChunksKeepTheirLineNumbers) {
  auto chunks = SplitInputFile("a\n// -----\nb\nc\n  // -----  \nd");
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].text, "a\n");
  EXPECT_EQ(chunks[1].text, std::string(2, '\n') + "b\nc\n");  // b is line 3
  EXPECT_EQ(chunks[2].text, std::string(5, '\n') + "d");       // d is line 6
}

TEST(SplitInputTest, MarkerMustBeAlone) {
  auto chunks = SplitInputFile("x // ----- y\n// ------\n");
  EXPECT_EQ(chunks.size(), 1u);
}

}  // namespace
}  // namespace kiln::cli
