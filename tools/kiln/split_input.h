// Splits a textual-IR file into independent cases at lines that read `// -----`, the way
// MLIR's --split-input-file does, so one lit file can hold many small test cases.
//
//   for (const InputChunk& c : SplitInputFile(text)) Parse(c.text);  // line numbers kept
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiln::cli {

inline constexpr std::string_view kSplitMarker = "// -----";

struct InputChunk {
  // The chunk, preceded by as many newlines as lines before it in the file, so parse errors
  // report the line of the original file.
  std::string text;
};

std::vector<InputChunk> SplitInputFile(std::string_view text);

}  // namespace kiln::cli
