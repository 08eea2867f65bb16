#!/usr/bin/env bash
# Every lit test file must round-trip: parse -> print -> parse -> print gives identical text.
# Files under Inputs/ folders are inputs of error tests (often malformed on purpose) and are
# skipped; so are files whose first line is `// ROUNDTRIP: none` (they must say why).
#
#   tests/lit/roundtrip.sh build/dev/tools/kiln/kiln tests/lit
set -euo pipefail
kiln=$1
root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

checked=0
failed=0
while IFS= read -r -d '' file; do
  if head -n 1 "$file" | grep -q '^// ROUNDTRIP: none'; then continue; fi
  if ! "$kiln" opt "$file" --split-input-file --pipeline "" -o "$tmp/once.kir" 2>"$tmp/err"; then
    echo "FAIL (first parse): $file"; cat "$tmp/err"; failed=$((failed + 1)); continue
  fi
  if ! "$kiln" opt "$tmp/once.kir" --split-input-file --pipeline "" -o "$tmp/twice.kir" \
      2>"$tmp/err"; then
    echo "FAIL (printed text does not parse): $file"; cat "$tmp/err"; failed=$((failed + 1))
    continue
  fi
  if ! diff -u "$tmp/once.kir" "$tmp/twice.kir"; then
    echo "FAIL (print(parse(print(x))) differs): $file"; failed=$((failed + 1)); continue
  fi
  checked=$((checked + 1))
done < <(find "$root" -name '*.kir' -not -path '*/Inputs/*' -print0 | sort -z)

echo "round-trip: $checked files identical, $failed failed"
[ "$failed" -eq 0 ] && [ "$checked" -gt 0 ]
