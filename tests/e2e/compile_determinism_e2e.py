#!/usr/bin/python3
"""`kiln compile` gives the same bytes every time, and nothing on failure.

For each model: compile it twice, and once more from a copy at another path and from another
working directory; the three artifacts must be byte-identical (no time stamps, no absolute
paths, no hash-order iteration). The --report must agree with the file (artifact_bytes) and the
greedy arena must not exceed the linear one. Then a compile that fails after import and
optimization (a --max-dim naming no dim of the model) must leave no output file.

Usage: compile_determinism_e2e.py --kiln BIN --model M.onnx [--model ...] --work DIR
                                  [--max-dim N=4]
Exit 0 when every check holds, 1 otherwise; prints one line per check and "N passed, N failed".
"""
import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys


def compile_model(kiln, model, out, extra, cwd=None):
    cmd = [kiln, "compile", model, "--target", "cloud", "-o", out, "--quiet"] + extra
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


def check_model(kiln, model, work, extra, results):
    name = os.path.splitext(os.path.basename(model))[0]
    base = os.path.join(work, name)
    os.makedirs(os.path.join(base, "copy"))
    copy = os.path.join(base, "copy", os.path.basename(model))
    shutil.copyfile(model, copy)

    def check(label, ok, detail=""):
        results.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {label}{(': ' + detail) if detail else ''}")

    a = os.path.join(base, "a.kiln")
    b = os.path.join(base, "b.kiln")
    c = os.path.join(base, "c.kiln")
    report = os.path.join(base, "a.json")
    runs = [compile_model(kiln, model, a, extra + ["--report", report]),
            compile_model(kiln, model, b, extra),
            compile_model(kiln, os.path.join("copy", os.path.basename(model)), c, extra, cwd=base)]
    for i, r in enumerate(runs):
        check(f"compile {i + 1} succeeds", r.returncode == 0, r.stderr.strip())
    if any(r.returncode != 0 for r in runs):
        return
    check("compiling twice gives identical bytes", filecmp.cmp(a, b, shallow=False))
    check("another path and working directory give identical bytes",
          filecmp.cmp(a, c, shallow=False))
    with open(report) as f:
        r = json.load(f)
    size = os.path.getsize(a)
    check("report's artifact_bytes is the file size", r["artifact_bytes"] == size,
          f"{r['artifact_bytes']} vs {size}")
    check("greedy arena <= linear arena", r["arena_bytes"] <= r["linear_arena_bytes"],
          f"{r['arena_bytes']} vs {r['linear_arena_bytes']}")
    print(f"     {name}: {r['num_ops']} ops, arena {r['arena_bytes']} B "
          f"(linear {r['linear_arena_bytes']} B), constants {r['constant_bytes']} B")

    bad = os.path.join(base, "bad.kiln")
    # Fails late: after import and optimization, when the bounds are checked.
    failed = compile_model(kiln, model, bad, extra + ["--max-dim", "no_such_dim=2"])
    check("a failing compile exits non-zero with one error line",
          failed.returncode != 0 and failed.stderr.count("\n") == 1, failed.stderr.strip())
    leftovers = [f for f in os.listdir(base) if f.startswith("bad") or ".tmp" in f]
    check("a failing compile leaves no file", not leftovers, " ".join(leftovers))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiln", required=True)
    p.add_argument("--model", action="append", required=True)
    p.add_argument("--work", required=True, help="scratch directory (emptied first)")
    p.add_argument("--max-dim", action="append", default=[], help="SYM=N, passed on")
    args = p.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    extra = []
    for spec in args.max_dim:
        extra += ["--max-dim", spec]
    results = []
    for model in args.model:
        if not os.path.exists(model):
            print(f"FAIL {model}: no such model")
            results.append(False)
            continue
        check_model(os.path.abspath(args.kiln), os.path.abspath(model), args.work, extra, results)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
