#!/usr/bin/env bash
# The test command: sets up, builds with gcc (dev preset, -Werror) and runs its unit, lit,
# conformance (ONNX node tests) and e2e (models vs ONNX Runtime) tests, cross-builds the edge
# runtime for aarch64 (aarch64 preset, docs/aarch64.md) and runs its tests under qemu, then
# builds with clang + ASan/UBSan/libFuzzer (asan preset) and runs every test but the `slow` ones.
# The asan ctest summary is printed last. Extra arguments go to that last ctest.
#
#   tools/test.sh              # everything
#   tools/test.sh -R graph     # the asan run only for tests matching "graph"
#   tools/test.sh -L unit      # the asan run only for the unit label
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "setup"
tools/setup.sh

step "dev (gcc): configure, build, unit + lit tests"
cmake --preset dev
cmake --build --preset dev
ctest --preset dev -L 'unit|lit|conformance|e2e'

step "aarch64 (cross, qemu): configure, build, test the edge runtime"
cmake --preset aarch64
cmake --build --preset aarch64
ctest --preset aarch64

step "asan (clang, ASan + UBSan, fuzz): configure, build, test"
cmake --preset asan
cmake --build --preset asan
ctest --preset asan "$@"
