#!/usr/bin/env bash
# Builds the aarch64 sysroot of the cross build (docs/aarch64.md): downloads Debian 12's arm64
# .debs of what the edge-only build links and includes, and extracts them with `dpkg-deb -x`
# into DIR. Nothing is installed: Debian's arm64 XNNPACK/pthreadpool packages are not
# co-installable with the amd64 ones (`apt-get install ...:arm64` removes amd64 packages).
#
# apt reads the arm64 package lists from a private, temporary state directory (its own lists,
# cache and an empty dpkg status, APT::Architectures=arm64) with the machine's apt sources and
# keys: no `dpkg --add-architecture`, nothing written under /etc/apt, /var/lib/apt or
# /var/lib/dpkg, and it works as root or not.
#
# A stamp (DIR/.kiln-sysroot-stamp) records the package versions and DIR/.kiln-sysroot-files the
# extracted files; when both match and every file is present, a rerun does nothing.
#
#   tools/aarch64_sysroot.sh                 # into build/aarch64-sysroot
#   tools/aarch64_sysroot.sh /tmp/sysroot    # elsewhere (then -DKILN_AARCH64_SYSROOT=...)
set -euo pipefail

# The arm64 packages, by what they serve. Their Debian dependencies libc6, libgcc-s1 and
# libstdc++6 come from the cross toolchain (g++-aarch64-linux-gnu, in /usr/aarch64-linux-gnu).
PACKAGES=(
  # runtime/edge: XNNPACK and what it links.
  libxnnpack0 libxnnpack-dev libpthreadpool0 libpthreadpool-dev libcpuinfo0 libcpuinfo-dev
  # The artifact schema's headers (codegen/schema). libflatbuffers2 because FlatBuffers' CMake
  # config checks that its shared library exists. flatc is a host program (flatbuffers-compiler).
  libflatbuffers-dev libflatbuffers2
  # Unit tests.
  libgtest-dev libgmock-dev
)

die() {
  printf 'aarch64_sysroot: error: %s\n' "$*" >&2
  exit 1
}
say() { printf 'aarch64_sysroot: %s\n' "$*"; }

[[ $# -le 1 ]] || die "usage: tools/aarch64_sysroot.sh [DIR]"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-${root}/build/aarch64-sysroot}"
mkdir -p -- "${dir}"
dir="$(cd -- "${dir}" && pwd)"

stamp="${dir}/.kiln-sysroot-stamp"
filelist="${dir}/.kiln-sysroot-files"
owner="${dir}/.kiln-sysroot-owned"

# Succeeds when the stamp names exactly PACKAGES and every extracted file is still there.
sysroot_complete() {
  [[ -f "${stamp}" && -f "${filelist}" ]] || return 1
  local names
  names="$(awk '!/^#/ { print $1 }' "${stamp}")"
  [[ "${names}" == "$(printf '%s\n' "${PACKAGES[@]}")" ]] || return 1
  local f
  while IFS= read -r f; do
    # -L too: a few packages ship symlinks into packages we do not extract (usr/src/gtest).
    [[ -e "${dir}/${f}" || -L "${dir}/${f}" ]] || return 1
  done <"${filelist}"
}

if sysroot_complete; then
  say "${dir}: up to date (${#PACKAGES[@]} packages)"
  exit 0
fi

for tool in apt-get dpkg-deb; do
  command -v "${tool}" >/dev/null 2>&1 || die "'${tool}' not found: this script needs Debian's apt"
done

# Never wipe a folder this script did not make.
if [[ ! -e "${owner}" && -n "$(ls -A -- "${dir}")" ]]; then
  die "${dir} is not empty and was not made by this script; remove it or choose another DIR"
fi
: >"${owner}"

work="$(mktemp -d "${TMPDIR:-/tmp}/kiln-aarch64-sysroot.XXXXXX")"
trap 'rm -rf -- "${work}"' EXIT
mkdir -p "${work}/lists/partial" "${work}/cache/archives/partial" "${work}/debs"
: >"${work}/status"

APT_OPTS=(
  -o APT::Architecture=arm64 -o APT::Architectures=arm64
  -o "Dir::State::Lists=${work}/lists" -o "Dir::State::status=${work}/status"
  -o "Dir::State::extended_states=${work}/extended_states" -o "Dir::Cache=${work}/cache"
  -o Acquire::Languages=none
)
# As root apt would download as the _apt user, which cannot write into a private temp dir.
if [[ "$(id -u)" -eq 0 ]]; then
  APT_OPTS+=(-o APT::Sandbox::User=root)
fi

say "fetching arm64 package lists (private apt state, system sources)"
# A failing third-party source makes update exit non-zero although Debian's lists arrived; the
# download below is the real test.
if ! apt-get "${APT_OPTS[@]}" -qq update >"${work}/update.log" 2>&1; then
  say "warning: apt-get update reported errors (continuing; see below if the download fails)"
fi

say "downloading ${PACKAGES[*]}"
if ! (cd "${work}/debs" && apt-get "${APT_OPTS[@]}" -qq download "${PACKAGES[@]/%/:arm64}") \
  >"${work}/download.log" 2>&1; then
  cat "${work}/update.log" "${work}/download.log" >&2
  die "apt-get download of the arm64 packages failed: Debian 12 (bookworm) main must be reachable through the apt sources in /etc/apt (no network, or a mirror without arm64?)"
fi

# Start from an empty folder so that files of older versions do not linger.
find "${dir}" -mindepth 1 -maxdepth 1 ! -name .kiln-sysroot-owned -exec rm -rf -- {} +

versions=()
for pkg in "${PACKAGES[@]}"; do
  debs=("${work}/debs/${pkg}"_*_arm64.deb)
  [[ -f "${debs[0]}" ]] || die "apt-get download did not leave an arm64 .deb of ${pkg} in ${work}/debs"
  dpkg-deb -x "${debs[0]}" "${dir}" || die "dpkg-deb -x ${debs[0]} failed"
  versions+=("${pkg} $(dpkg-deb -f "${debs[0]}" Version)")
done

(cd "${dir}" && find . -mindepth 1 ! -type d ! -name '.kiln-sysroot-*' | sed 's#^\./##' | sort) \
  >"${filelist}"
{
  echo "# Written by tools/aarch64_sysroot.sh: the Debian arm64 packages extracted here."
  printf '%s\n' "${versions[@]}"
} >"${stamp}"
say "${dir}: extracted ${#PACKAGES[@]} packages ($(wc -l <"${filelist}") files)"
