#include "tools/kiln/output_names.h"

#include <algorithm>
#include <set>

namespace kiln::cli {

std::vector<std::string> OutputFileNames(const std::vector<std::string>& output_names) {
  std::vector<std::string> files;
  std::set<std::string> taken;
  for (const std::string& name : output_names) {
    std::string safe = name;
    bool only_dots = true;
    for (char& c : safe) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-';
      if (!ok) c = '_';
      only_dots = only_dots && c == '.';
    }
    // "", "." and ".." are not file names of their own.
    if (only_dots) safe = std::string(std::max<size_t>(safe.size(), 1), '_');
    std::string candidate = safe;
    for (int k = 2; taken.contains(candidate); ++k) candidate = safe + "_" + std::to_string(k);
    taken.insert(candidate);
    files.push_back(candidate + ".npy");
  }
  return files;
}

}  // namespace kiln::cli
