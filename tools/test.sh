#!/usr/bin/env bash
# The test command: sets up, builds with gcc (check preset: the dev flags, -Werror, without the
# unit tests) and runs its lit, conformance (ONNX node tests) and e2e (models vs ONNX Runtime)
# tests, cross-builds the edge runtime for aarch64 (aarch64 preset, docs/aarch64.md) and runs its
# tests under qemu, then builds with clang + ASan/UBSan/libFuzzer (asan preset) and runs every
# test but the `slow` ones: the unit tests build and run there only (building them twice cost CI
# about ten minutes). The asan ctest summary is printed last. Extra arguments go to that last
# ctest.
#
#   tools/test.sh              # everything
#   tools/test.sh -R graph     # the asan run only for tests matching "graph"
#   tools/test.sh -L unit      # the asan run only for the unit label
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "setup"
tools/setup.sh

step "check (gcc): configure, build, lit + conformance + e2e tests"
cmake --preset check
cmake --build --preset check
ctest --preset check -L 'lit|conformance|e2e'

step "aarch64 (cross, qemu): configure, build, test the edge runtime"
cmake --preset aarch64 -DKILN_HOST_BUILD="$PWD/build/check"
cmake --build --preset aarch64
ctest --preset aarch64

step "asan (clang, ASan + UBSan, fuzz): configure, build, test"
cmake --preset asan
cmake --build --preset asan
ctest --preset asan "$@"
