#!/usr/bin/python3
"""End-to-end check of one model against ONNX Runtime (the oracle).

1. `kiln run MODEL.onnx` (reference runtime) vs ONNX Runtime on the same input: the logits must
   agree with cosine >= 0.99999 and max relative error <= 1e-4, where the relative error is
   max|kiln - ort| / max|ort| (elementwise relative error is meaningless for logits near 0).
2. Round trip: `kiln opt MODEL.onnx -p "" -o rt.onnx` (import, export) then ONNX Runtime on
   rt.onnx vs ONNX Runtime on the original, with the same limits.

Usage: model_e2e.py --kiln BIN --model M.onnx --input NAME=X.npy [...] --work DIR
Exit 0 when every check holds, 1 otherwise (one line per check either way).
"""
import argparse
import os
import subprocess
import sys

from output_compare import compare, outputs, run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN_MODEL_JS = os.path.join(ROOT, "tests", "oracle", "run_model.js")
MIN_COSINE = 0.99999
MAX_REL_ERR = 1e-4


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiln", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--input", action="append", required=True, help="NAME=FILE.npy")
    p.add_argument("--work", required=True, help="scratch directory (emptied first)")
    p.add_argument("--threads", default="2")
    args = p.parse_args()

    work = args.work
    subprocess.run(["rm", "-rf", work], check=True)
    os.makedirs(work)
    inputs = []
    for spec in args.input:
        inputs += ["--input", spec]

    ort_dir, kiln_dir, rt_dir = (os.path.join(work, d) for d in ("ort", "kiln", "ort_roundtrip"))
    run(["node", RUN_MODEL_JS, args.model, *inputs, "--output-dir", ort_dir, "--threads", args.threads])
    run([args.kiln, "run", args.model, *inputs, "--output-dir", kiln_dir, "--threads", args.threads,
         "--quiet"])
    roundtrip = os.path.join(work, "roundtrip.onnx")
    run([args.kiln, "opt", args.model, "--pipeline", "", "-o", roundtrip])
    run(["node", RUN_MODEL_JS, roundtrip, *inputs, "--output-dir", rt_dir, "--threads", args.threads])

    name = os.path.basename(args.model)
    ok = compare(f"{name} kiln-run vs ort", outputs(kiln_dir), outputs(ort_dir),
                 MIN_COSINE, MAX_REL_ERR)
    ok = compare(f"{name} ort(roundtrip) vs ort", outputs(rt_dir), outputs(ort_dir),
                 MIN_COSINE, MAX_REL_ERR) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
