#!/usr/bin/env python3
"""Stripped sizes of the aarch64 edge runtime against its size budget (docs/aarch64.md).

Measures the runner kiln-edge-run and the shared library libkiln_edge.so of an aarch64 build
(cmake --preset aarch64), each stripped on a temporary copy with aarch64-linux-gnu-strip, and
checks their sum against the budget of 300 KiB (1 KiB = 1024 bytes, as everywhere in Kiln:
the CLI and the artifact summary print KiB/MiB). The vendor libraries it loads from the sysroot
(XNNPACK, pthreadpool, cpuinfo) are listed apart: Debian ships them, they are not in the budget.

  tools/size_report.py                      # table for build/aarch64
  tools/size_report.py build/aarch64 --json
  tools/size_report.py build/aarch64 --check   # exit 1 when over budget (ctest aarch64/size_budget)

Standard library only; runs with Debian's /usr/bin/python3 or any python3.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

KIB = 1024
BUDGET_KIB = 300
BUDGET_BYTES = BUDGET_KIB * KIB
RUNNER = "kiln-edge-run"
LIBRARY = "libkiln_edge.so"
VENDOR_LIBS = ("libXNNPACK.so.0", "libpthreadpool.so.0", "libcpuinfo.so.0")
VENDOR_LIBDIR = os.path.join("usr", "lib", "aarch64-linux-gnu")


class ReportError(Exception):
    pass


def find_in_build(build_dir, name):
    """The one file called `name` under build_dir (CMake's own folders skipped)."""
    hits = []
    for dirpath, dirnames, filenames in os.walk(build_dir):
        dirnames[:] = [d for d in dirnames if d != "CMakeFiles"]
        if name in filenames:
            hits.append(os.path.join(dirpath, name))
    if not hits:
        raise ReportError(f"no {name} under {build_dir} (built with cmake --build --preset aarch64?)")
    if len(hits) > 1:
        raise ReportError(f"{len(hits)} files named {name} under {build_dir}: {', '.join(hits)}")
    return hits[0]


def cached_sysroot(build_dir):
    """KILN_AARCH64_SYSROOT from the build dir's CMakeCache.txt, or None."""
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt"), encoding="utf-8") as cache:
            for line in cache:
                if line.startswith("KILN_AARCH64_SYSROOT:"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return None


def stripped_size(path, strip, tmp_dir):
    """(stripped bytes, file bytes) of path; the file itself is left untouched."""
    real = os.path.realpath(path)
    if not os.path.isfile(real):
        raise ReportError(f"{path}: not a file")
    out = os.path.join(tmp_dir, os.path.basename(real) + ".stripped")
    result = subprocess.run([strip, "-o", out, real], capture_output=True, text=True)
    if result.returncode != 0:
        raise ReportError(f"{strip} {real} failed: {result.stderr.strip()}")
    size = os.path.getsize(out)
    os.remove(out)
    return size, os.path.getsize(real)


def measure(args):
    build_dir = os.path.abspath(args.build_dir)
    if not os.path.isdir(build_dir):
        raise ReportError(f"build dir {build_dir} does not exist (cmake --preset aarch64)")
    strip = shutil.which(args.strip) or (args.strip if os.path.isfile(args.strip) else None)
    if strip is None:
        raise ReportError(f"{args.strip} not found (g++-aarch64-linux-gnu, tools/setup.sh)")
    sysroot = args.sysroot or cached_sysroot(build_dir)
    if sysroot is None:
        raise ReportError(f"no KILN_AARCH64_SYSROOT in {build_dir}/CMakeCache.txt; pass --sysroot")

    ours = [(RUNNER, args.runner or find_in_build(build_dir, RUNNER)),
            (LIBRARY, args.library or find_in_build(build_dir, LIBRARY))]
    vendor = [(name, os.path.join(sysroot, VENDOR_LIBDIR, name)) for name in VENDOR_LIBS]
    with tempfile.TemporaryDirectory(prefix="kiln-size-report.") as tmp_dir:
        def entry(name, path):
            stripped, unstripped = stripped_size(path, strip, tmp_dir)
            return {"name": name, "path": os.path.realpath(path), "stripped_bytes": stripped,
                    "file_bytes": unstripped}
        ours = [entry(name, path) for name, path in ours]
        vendor = [entry(name, path) for name, path in vendor]
    total = sum(e["stripped_bytes"] for e in ours)
    return {
        "build_dir": build_dir,
        "kib_bytes": KIB,
        "budget_bytes": BUDGET_BYTES,
        "edge": ours,
        "edge_stripped_bytes": total,
        "within_budget": total <= BUDGET_BYTES,
        "vendor": vendor,
        "vendor_stripped_bytes": sum(e["stripped_bytes"] for e in vendor),
    }


def kib(n):
    return f"{n / KIB:.1f}"


def print_table(report):
    rows = [("file", "stripped bytes", "KiB", "unstripped bytes")]
    rows += [(e["name"], f"{e['stripped_bytes']:,}", kib(e["stripped_bytes"]),
              f"{e['file_bytes']:,}") for e in report["edge"]]
    total = report["edge_stripped_bytes"]
    share = 100.0 * total / report["budget_bytes"]
    verdict = "within budget" if report["within_budget"] else "OVER BUDGET"
    rows.append((f"sum (budget {BUDGET_KIB} KiB = {BUDGET_BYTES:,})", f"{total:,}", kib(total),
                 f"{share:.0f}% of budget, {verdict}"))
    rows.append(("", "", "", ""))
    rows.append(("vendor, from the sysroot (not in the budget)", "", "", ""))
    rows += [(e["name"], f"{e['stripped_bytes']:,}", kib(e["stripped_bytes"]),
              f"{e['file_bytes']:,}") for e in report["vendor"]]
    vendor_total = report["vendor_stripped_bytes"]
    rows.append(("vendor sum", f"{vendor_total:,}", kib(vendor_total), ""))
    widths = [max(len(r[i]) for r in rows if r[1]) for i in range(4)]
    print(f"aarch64 edge runtime, stripped sizes (1 KiB = {KIB} bytes): {report['build_dir']}")
    for r in rows:
        if not r[1]:
            print(r[0])
            continue
        print(f"  {r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}".rstrip())


def main():
    parser = argparse.ArgumentParser(
        description="Stripped sizes of the aarch64 edge runtime against its "
                    f"{BUDGET_KIB} KiB budget.")
    parser.add_argument("build_dir", nargs="?", default="build/aarch64",
                        help="the aarch64 build dir (default: build/aarch64)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when kiln-edge-run + libkiln_edge.so exceed the budget")
    parser.add_argument("--strip", default="aarch64-linux-gnu-strip", help="the strip program")
    parser.add_argument("--sysroot", help="default: KILN_AARCH64_SYSROOT of the build dir")
    parser.add_argument("--runner", help=f"path of {RUNNER} (default: searched in build_dir)")
    parser.add_argument("--library", help=f"path of {LIBRARY} (default: searched in build_dir)")
    args = parser.parse_args()

    try:
        report = measure(args)
    except ReportError as e:
        print(f"size_report: error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    if args.check and not report["within_budget"]:
        total = report["edge_stripped_bytes"]
        print(f"size_report: {RUNNER} + {LIBRARY} stripped = {total:,} bytes ({kib(total)} KiB), "
              f"over the {BUDGET_KIB} KiB budget ({BUDGET_BYTES:,} bytes) by "
              f"{total - BUDGET_BYTES:,} bytes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
