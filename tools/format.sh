#!/usr/bin/env bash
# Formats Kiln's C++ sources in place with clang-format (.clang-format at the repository root):
# tracked and untracked-but-not-ignored *.h, *.cc, *.cpp under the source folders.
# tools/check.sh checks the same files without changing them.
#
#   tools/format.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

SOURCE_DIRS=(ir passes frontends codegen runtime tools tests benchmarks)
mapfile -t files < <(
  git ls-files -co --exclude-standard -- "${SOURCE_DIRS[@]}" |
    grep -E '\.(h|cc|cpp)$' | while IFS= read -r f; do [[ -f "$f" ]] && printf '%s\n' "$f"; done
)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "format: no C++ files"
  exit 0
fi

clang_format=clang-format
command -v clang-format-14 >/dev/null 2>&1 && clang_format=clang-format-14

echo "format: ${#files[@]} files"
"${clang_format}" -i --style=file -- "${files[@]}"
