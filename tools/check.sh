#!/usr/bin/env bash
# Checks Kiln's C++ sources: formatting (clang-format --dry-run --Werror, fails on any
# difference; fix with tools/format.sh) and clang-tidy (.clang-tidy) over the .cc/.cpp files that
# build/dev/compile_commands.json knows about, when that file exists (cmake --preset dev).
# Tidy findings are printed; they fail the check only when clang-tidy itself fails (a file that
# does not compile, or a check listed in WarningsAsErrors).
#
#   tools/check.sh             # format + tidy
#   tools/check.sh --no-tidy   # format only
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

run_tidy=1
for arg in "$@"; do
  case "${arg}" in
    --no-tidy) run_tidy=0 ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "check: unknown argument: ${arg}" >&2; exit 2 ;;
  esac
done

SOURCE_DIRS=(ir passes frontends codegen runtime tools tests benchmarks)
mapfile -t files < <(
  git ls-files -co --exclude-standard -- "${SOURCE_DIRS[@]}" |
    grep -E '\.(h|cc|cpp)$' | while IFS= read -r f; do [[ -f "$f" ]] && printf '%s\n' "$f"; done
)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "check: no C++ files"
  exit 0
fi

# Prefers the versioned LLVM 14 tool, as installed by tools/setup.sh.
tool() { if command -v "$1-14" >/dev/null 2>&1; then echo "$1-14"; else echo "$1"; fi; }

status=0

echo "check: clang-format on ${#files[@]} files"
if ! "$(tool clang-format)" --dry-run --Werror --style=file -- "${files[@]}"; then
  echo "check: formatting differs; run tools/format.sh" >&2
  status=1
fi

db=build/dev/compile_commands.json
if [[ ${run_tidy} -eq 0 ]]; then
  echo "check: clang-tidy skipped (--no-tidy)"
elif [[ ! -f "${db}" ]]; then
  echo "check: clang-tidy skipped (no ${db}; run cmake --preset dev)"
else
  # Only translation units the build knows: others have no flags and would not compile.
  mapfile -t units < <(
    printf '%s\n' "${files[@]}" | grep -E '\.(cc|cpp)$' | /usr/bin/python3 -c '
import json, os, sys
known = {os.path.realpath(os.path.join(e["directory"], e["file"])) for e in json.load(open(sys.argv[1]))}
for line in sys.stdin:
    path = line.rstrip("\n")
    if os.path.realpath(path) in known:
        print(path)
' "${db}"
  )
  echo "check: clang-tidy on ${#units[@]} files"
  if [[ ${#units[@]} -gt 0 ]]; then
    # One file per clang-tidy run, in parallel; each run's output is printed in one piece.
    # -Wno-error: the dev build's -Werror must not turn clang's own warnings into tidy errors.
    # shellcheck disable=SC2016  # $0/$1 belong to the inner bash.
    if ! printf '%s\0' "${units[@]}" |
      xargs -0 -n 1 -P "$(nproc)" bash -c \
        'out="$("$0" -p build/dev --quiet --extra-arg=-Wno-error "$1" 2>&1)"; rc=$?
         out="$(grep -vE "^[0-9]+ (warnings?|errors?)( and [0-9]+ errors?)? generated\.$" <<<"${out}")"
         [[ -n "${out}" ]] && printf "%s\n" "${out}"; exit $((rc != 0))' \
        "$(tool clang-tidy)"; then
      echo "check: clang-tidy failed (see above)" >&2
      status=1
    fi
  fi
fi

if [[ ${status} -eq 0 ]]; then
  echo "check: ok"
fi
exit "${status}"
