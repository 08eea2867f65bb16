#!/usr/bin/python3
"""End-to-end check of `kiln opt -O2` (the `optimize` pipeline) on one model.

1. `kiln opt MODEL.onnx -O2` writes the optimized model as textual IR and as ONNX.
2. The optimized model's outputs equal the original's, on the reference runtime (`kiln run`
   of both) and on ONNX Runtime (the exported optimized model vs the original), for every
   --input set (e.g. batch 1 and batch 4 of a model with a symbolic batch dim): cosine >=
   0.999999 and max relative error <= 1e-5, the relative error being max|opt - orig| /
   max|orig| (elementwise relative error is meaningless near 0).
3. Structure: no op of a --forbid kind remains; each --require KIND=COUNT holds exactly (an
   activation fused into a conv/matmul/linear counts as an op of its kind).
4. Idempotence: `kiln opt -O2` over the optimized IR changes nothing (identical text).

Usage: optimize_e2e.py --kiln BIN --model M.onnx --inputs NAME=X.npy[,NAME2=Y.npy] [--inputs ...]
                       --work DIR [--forbid batch_norm,identity] [--require layer_norm=9]
Exit 0 when every check holds, 1 otherwise (one line per check either way).
"""
import argparse
import filecmp
import os
import re
import subprocess
import sys

from output_compare import compare, outputs, run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN_MODEL_JS = os.path.join(ROOT, "tests", "oracle", "run_model.js")
MIN_COSINE = 0.999999
MAX_REL_ERR = 1e-5


def op_counts(kir_path):
    """Op kind -> count in a textual IR file (ops of regions included). An activation fused
    into another op (`activation="gelu"`) counts as one op of its kind too."""
    counts = {}
    with open(kir_path) as f:
        for line in f:
            m = re.match(r'\s*(?:%\S+(?:, %\S+)* = )?([a-z_0-9]+)\(', line)
            if m and " = const " not in line:
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
            fused = re.search(r'\bactivation="([a-z_]+)"', line)
            if fused:
                kind = {"gelu_tanh": "gelu"}.get(fused.group(1), fused.group(1))
                counts[kind] = counts.get(kind, 0) + 1
    return counts


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiln", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--inputs", action="append", required=True,
                   help="one input set: NAME=FILE.npy[,NAME=FILE.npy...]; repeat for more sets")
    p.add_argument("--work", required=True, help="scratch directory (emptied first)")
    p.add_argument("--forbid", default="", help="comma-separated op kinds that must not remain")
    p.add_argument("--require", action="append", default=[], help="KIND=COUNT that must hold")
    p.add_argument("--threads", default="2")
    args = p.parse_args()

    work = args.work
    subprocess.run(["rm", "-rf", work], check=True)
    os.makedirs(work)
    name = os.path.basename(args.model)
    opt_kir = os.path.join(work, "optimized.kir")
    opt_onnx = os.path.join(work, "optimized.onnx")
    stats = run([args.kiln, "opt", args.model, "-O2", "--stats", "-o", opt_kir]).stderr
    run([args.kiln, "opt", args.model, "-O2", "-o", opt_onnx])
    print(stats, end="")

    ok = True
    for i, spec in enumerate(args.inputs):
        inputs = []
        for item in spec.split(","):
            inputs += ["--input", item]
        d = {k: os.path.join(work, f"set{i}", k) for k in ("orig", "opt", "ort", "ort_opt")}
        run([args.kiln, "run", args.model, *inputs, "--output-dir", d["orig"], "--threads",
             args.threads, "--quiet"])
        run([args.kiln, "run", opt_kir, *inputs, "--output-dir", d["opt"], "--threads",
             args.threads, "--quiet"])
        run(["node", RUN_MODEL_JS, args.model, *inputs, "--output-dir", d["ort"], "--threads",
             args.threads])
        run(["node", RUN_MODEL_JS, opt_onnx, *inputs, "--output-dir", d["ort_opt"], "--threads",
             args.threads])
        ok = compare(f"{name} reference optimized vs original", outputs(d["opt"]),
                     outputs(d["orig"]), MIN_COSINE, MAX_REL_ERR) and ok
        ok = compare(f"{name} ort optimized vs original", outputs(d["ort_opt"]),
                     outputs(d["ort"]), MIN_COSINE, MAX_REL_ERR) and ok

    counts = op_counts(opt_kir)
    for kind in filter(None, args.forbid.split(",")):
        good = counts.get(kind, 0) == 0
        ok = ok and good
        print(f"{'PASS' if good else 'FAIL'} {name} no {kind} left ({counts.get(kind, 0)})")
    for req in args.require:
        kind, want = req.split("=")
        good = counts.get(kind, 0) == int(want)
        ok = ok and good
        print(f"{'PASS' if good else 'FAIL'} {name} {kind} count {counts.get(kind, 0)} "
              f"(want {want})")

    again = os.path.join(work, "optimized_twice.kir")
    run([args.kiln, "opt", opt_kir, "-O2", "-o", again])
    same = filecmp.cmp(opt_kir, again, shallow=False)
    ok = ok and same
    print(f"{'PASS' if same else 'FAIL'} {name} -O2 twice gives identical IR")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
