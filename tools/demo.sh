#!/usr/bin/env bash
# The demo: builds the kiln CLI (release preset) and runs it on examples/tiny_cnn.kir.
#
#   tools/demo.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "setup"
tools/setup.sh

step "build kiln (release preset)"
cmake --preset release
cmake --build --preset release --target kiln

kiln=build/release/tools/kiln/kiln
mkdir -p build/demo

step "kiln --version"
"${kiln}" --version

step "kiln inspect examples/tiny_cnn.kir"
"${kiln}" inspect examples/tiny_cnn.kir

step "kiln opt examples/tiny_cnn.kir --pipeline \"fixpoint(cse,dce)\" --timing -o build/demo/tiny_cnn.opt.kir"
"${kiln}" opt examples/tiny_cnn.kir --pipeline "fixpoint(cse,dce)" --timing \
  -o build/demo/tiny_cnn.opt.kir

step "kiln inspect build/demo/tiny_cnn.opt.kir"
"${kiln}" inspect build/demo/tiny_cnn.opt.kir
