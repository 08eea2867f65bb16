#!/usr/bin/python3
"""End-to-end check of weight-only quantization on a trained classifier with real data.

1. `kiln opt MODEL -O2 --quantize SCHEME` (int4-weight or int8-weight) writes the weight-only
   quantized model as .kir (twice: identical bytes) and its JSON report.
2. The reference runtime runs the float model and the quantized .kir on the labelled test
   images: the quantized top-1 accuracy must be within --max-drop points of float.
3. `kiln compile --target T --quantize SCHEME` (twice: identical bytes) must give a smaller
   artifact than the float compile (the codes are stored packed), and the target's runtime runs
   it on all test images: accuracy within --max-drop of float, and logits equal to the reference
   runtime's within float rounding (cosine >= 0.999999, max relative error <= 1e-4: the runtime
   decodes the same codes to the same f32 weights and computes in f32).

Usage: quantize_weights_e2e.py --kiln BIN --model M.onnx --images IMG_DIR --target cloud
                               --work DIR [--scheme int4-weight] [--max-drop 1.0] [--calib DIR]
With --calib, weights are rounded by GPTQ on that calibration data (both kiln commands).
IMG_DIR holds image.npy and labels.npy (tools/models/fashion_mnist_to_npy.py).
"""
import argparse
import filecmp
import json
import os
import subprocess
import sys

import numpy as np

from output_compare import only_output, run, run_in_chunks

MIN_COSINE = 0.999999
MAX_REL_ERR = 1e-4


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiln", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--images", required=True)
    p.add_argument("--target", default="cloud")
    p.add_argument("--work", required=True)
    p.add_argument("--scheme", default="int4-weight", choices=["int4-weight", "int8-weight"])
    p.add_argument("--max-drop", type=float, default=1.0, help="accuracy points")
    p.add_argument("--calib", help="calibration folder: weights rounded by GPTQ")
    args = p.parse_args()
    scheme = ["--quantize", args.scheme] + (["--calib", args.calib] if args.calib else [])

    work = args.work
    subprocess.run(["rm", "-rf", work], check=True)
    os.makedirs(work)
    ok = True

    def check(good, text):
        nonlocal ok
        ok = ok and good
        print(f"{'PASS' if good else 'FAIL'} {text}")

    q_kir, q_kir2 = os.path.join(work, "q.kir"), os.path.join(work, "q2.kir")
    report = os.path.join(work, "report.json")
    quantize = [args.kiln, "opt", args.model, "-O2"] + scheme
    print(run(quantize + ["--report", report, "-o", q_kir]).stderr.strip())
    run(quantize + ["-o", q_kir2])
    check(filecmp.cmp(q_kir, q_kir2, shallow=False), "quantizing twice gives identical .kir bytes")

    images = os.path.join(args.images, "image.npy")
    labels = np.load(os.path.join(args.images, "labels.npy"))
    f_dir, q_dir = os.path.join(work, "float"), os.path.join(work, "quantized")
    run([args.kiln, "run", args.model, "--input", images, "--output-dir", f_dir, "--threads", "2",
         "--quiet"])
    run([args.kiln, "run", q_kir, "--input", images, "--output-dir", q_dir, "--threads", "2",
         "--quiet"])
    f_logits, q_logits = only_output(f_dir), only_output(q_dir)
    f_acc = 100.0 * np.mean(np.argmax(f_logits, 1) == labels)
    q_acc = 100.0 * np.mean(np.argmax(q_logits, 1) == labels)
    check(f_acc - q_acc <= args.max_drop,
          f"top-1 on {len(labels)} test images: float {f_acc:.2f}%, {args.scheme} (reference "
          f"runtime) {q_acc:.2f}%, drop {f_acc - q_acc:+.2f} points (<= {args.max_drop})")

    f_art = os.path.join(work, "float.kiln")
    q_arts = [os.path.join(work, f) for f in ("q.kiln", "q2.kiln")]
    run([args.kiln, "compile", args.model, "--target", args.target, "--quiet", "-o", f_art])
    for a in q_arts:
        run([args.kiln, "compile", args.model, "--target", args.target] + scheme +
            ["--quiet", "-o", a])
    check(filecmp.cmp(*q_arts, shallow=False),
          f"compiling for {args.target} with --quantize {args.scheme} twice gives identical "
          ".kiln bytes")
    f_size, q_size = os.path.getsize(f_art), os.path.getsize(q_arts[0])
    check(q_size < f_size, f"artifact {q_size} bytes vs float {f_size} ({q_size / f_size:.3f}x)")

    c_logits = run_in_chunks(args.kiln, q_arts[0], images, work)
    c_acc = 100.0 * np.mean(np.argmax(c_logits, 1) == labels)
    check(f_acc - c_acc <= args.max_drop,
          f"top-1 of the {args.target} runtime: {c_acc:.2f}% vs float {f_acc:.2f}%, drop "
          f"{f_acc - c_acc:+.2f} points (<= {args.max_drop})")
    got, want = c_logits.astype(np.float64), q_logits.astype(np.float64)
    cos = float(np.dot(got.ravel(), want.ravel()) / (np.linalg.norm(got) * np.linalg.norm(want)))
    rel = float(np.max(np.abs(got - want)) / np.max(np.abs(want)))
    check(cos >= MIN_COSINE and rel <= MAX_REL_ERR,
          f"{args.target} runtime vs the reference runtime on the quantized graph: cosine "
          f"{cos:.8f} (>= {MIN_COSINE}), max rel err {rel:.1e} (<= {MAX_REL_ERR})")

    with open(report) as f:
        rep = json.load(f)
    print(f"report: {len(rep['layers'])} weights, {rep['float_bytes']} -> {rep['packed_bytes']} "
          f"bytes; {rep['weights']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
