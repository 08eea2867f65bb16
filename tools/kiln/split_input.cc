#include "tools/kiln/split_input.h"

namespace kiln::cli {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::vector<InputChunk> SplitInputFile(std::string_view text) {
  std::vector<InputChunk> chunks;
  std::string current;
  int line = 0;        // lines consumed so far
  int chunk_line = 0;  // first line of the current chunk
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    size_t next = end == std::string_view::npos ? text.size() : end + 1;
    std::string_view l = text.substr(pos, next - pos);
    ++line;
    if (Trim(l.substr(0, l.size() - (l.ends_with('\n') ? 1 : 0))) == kSplitMarker) {
      chunks.push_back({std::string(chunk_line, '\n') + current});
      current.clear();
      chunk_line = line;
    } else {
      current.append(l);
    }
    pos = next;
  }
  chunks.push_back({std::string(chunk_line, '\n') + current});
  return chunks;
}

}  // namespace kiln::cli
