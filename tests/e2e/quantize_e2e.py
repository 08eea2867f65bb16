#!/usr/bin/python3
"""End-to-end check of static int8 quantization on a trained classifier with real data.

1. `kiln opt MODEL -O2 --quantize int8 --calib CALIB --target T` writes the quantized model in
   QDQ form as .kir (twice: the bytes must be identical) and as QDQ ONNX, plus the JSON report.
2. The reference runtime runs the float model and the quantized .kir (its simulation of the
   int8 model) on the labelled test images: the int8 top-1 accuracy must be within
   --max-drop points of the float accuracy.
3. ONNX Runtime runs the QDQ ONNX export with its own int8 kernels on the first --ort-count
   images: its logits must agree with the reference simulation (cosine >= 0.9999, top-1
   agreement >= 99%, max relative error at most a quarter of the float model's distance from
   the simulation): the export means what Kiln's simulation means.
4. With --compile, `kiln compile --target T --quantize int8` (twice: identical bytes) and the
   target's runtime runs the artifact on all test images: accuracy within --max-drop of float
   and the logits as close to the simulation as in step 3.

Usage: quantize_e2e.py --kiln BIN --model M.onnx --calib DIR --images IMG_DIR --target cloud
                       --work DIR [--max-drop 0.3] [--ort-count 1000] [--compile]
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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN_MODEL_JS = os.path.join(ROOT, "tests", "oracle", "run_model.js")
ORT_MIN_COSINE = 0.9999
ORT_MIN_TOP1 = 0.99



def agreement(got, sim, float_logits):
    """Cosine, top-1 agreement and max relative error of `got` against the simulation `sim`,
    and the float model's max relative error against it."""
    got, sim = got.astype(np.float64), sim.astype(np.float64)
    cos = float(np.dot(got.ravel(), sim.ravel()) / (np.linalg.norm(got) * np.linalg.norm(sim)))
    agree = float(np.mean(np.argmax(got, 1) == np.argmax(sim, 1)))
    rel = float(np.max(np.abs(got - sim)) / np.max(np.abs(sim)))
    f_rel = float(np.max(np.abs(float_logits - sim)) / np.max(np.abs(sim)))
    # int8 kernels must track the simulation far closer than the float model does.
    good = cos >= ORT_MIN_COSINE and agree >= ORT_MIN_TOP1 and rel <= 0.25 * f_rel
    text = (f"cosine {cos:.8f} (>= {ORT_MIN_COSINE}), top-1 agreement {100 * agree:.2f}% "
            f"(>= {100 * ORT_MIN_TOP1:.0f}%), max rel err {rel:.1e} (<= a quarter of the float "
            f"model's, {f_rel:.1e})")
    return good, text


def run_compiled_int8(args, images, work):
    """Compiles for the target with --quantize int8 twice (same bytes) and runs the artifact on
    the images in chunks of 1000 (the arena grows with the batch)."""
    artifacts = [os.path.join(work, f) for f in ("q.kiln", "q2.kiln")]
    for a in artifacts:
        run([args.kiln, "compile", args.model, "--target", args.target, "--quantize", "int8",
             "--calib", args.calib, "--quiet", "-o", a])
    same = filecmp.cmp(*artifacts, shallow=False)
    return same, run_in_chunks(args.kiln, artifacts[0], images, work)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiln", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--calib", required=True)
    p.add_argument("--images", required=True)
    p.add_argument("--target", default="cloud")
    p.add_argument("--work", required=True)
    p.add_argument("--max-drop", type=float, default=0.3, help="accuracy points")
    p.add_argument("--ort-count", type=int, default=1000)
    p.add_argument("--compile", action="store_true",
                   help="also compile for the target and run its int8 kernels")
    args = p.parse_args()

    work = args.work
    subprocess.run(["rm", "-rf", work], check=True)
    os.makedirs(work)
    q_kir, q_kir2, q_onnx = (os.path.join(work, f) for f in ("q.kir", "q2.kir", "q.onnx"))
    report = os.path.join(work, "report.json")
    quantize = [args.kiln, "opt", args.model, "-O2", "--quantize", "int8", "--calib", args.calib,
                "--target", args.target]
    r = run(quantize + ["--report", report, "-o", q_kir])
    print(r.stderr.strip())
    run(quantize + ["-o", q_kir2])
    run(quantize + ["-o", q_onnx])
    ok = True
    same = filecmp.cmp(q_kir, q_kir2, shallow=False)
    print(f"{'PASS' if same else 'FAIL'} quantizing twice gives identical .kir bytes")
    ok = ok and same

    images = os.path.join(args.images, "image.npy")
    labels = np.load(os.path.join(args.images, "labels.npy"))
    f_dir, q_dir = os.path.join(work, "float"), os.path.join(work, "int8")
    run([args.kiln, "run", args.model, "--input", images, "--output-dir", f_dir, "--threads", "2",
         "--quiet"])
    run([args.kiln, "run", q_kir, "--input", images, "--output-dir", q_dir, "--threads", "2",
         "--quiet"])
    f_logits, q_logits = only_output(f_dir), only_output(q_dir)
    f_acc = 100.0 * np.mean(np.argmax(f_logits, 1) == labels)
    q_acc = 100.0 * np.mean(np.argmax(q_logits, 1) == labels)
    good = f_acc - q_acc <= args.max_drop
    ok = ok and good
    print(f"{'PASS' if good else 'FAIL'} top-1 on {len(labels)} test images: float {f_acc:.2f}%, "
          f"int8 ({args.target} scheme, reference simulation) {q_acc:.2f}%, drop "
          f"{f_acc - q_acc:+.2f} points (<= {args.max_drop})")

    n = min(args.ort_count, len(labels))
    head = os.path.join(work, "head.npy")
    np.save(head, np.load(images)[:n])
    o_dir = os.path.join(work, "ort")
    run(["node", RUN_MODEL_JS, q_onnx, "--input", f"image={head}", "--output-dir", o_dir,
         "--threads", "2"])
    good, text = agreement(only_output(o_dir), q_logits[:n], f_logits[:n])
    ok = ok and good
    print(f"{'PASS' if good else 'FAIL'} ONNX Runtime on the QDQ export vs Kiln's simulation, "
          f"{n} images: {text}")

    if args.compile:
        runtime = {"cloud": "cloud runtime's int8 kernels (oneDNN)",
                   "edge": "edge runtime's int8 kernels (XNNPACK)"}[args.target]
        same, c_logits = run_compiled_int8(args, images, work)
        ok = ok and same
        print(f"{'PASS' if same else 'FAIL'} compiling for {args.target} with --quantize int8 "
              "twice gives identical .kiln bytes")
        c_acc = 100.0 * np.mean(np.argmax(c_logits, 1) == labels)
        good = f_acc - c_acc <= args.max_drop
        ok = ok and good
        print(f"{'PASS' if good else 'FAIL'} top-1 of the {runtime}: {c_acc:.2f}% vs float "
              f"{f_acc:.2f}%, drop {f_acc - c_acc:+.2f} points (<= {args.max_drop})")
        good, text = agreement(c_logits, q_logits, f_logits)
        ok = ok and good
        print(f"{'PASS' if good else 'FAIL'} {args.target} int8 vs Kiln's simulation, "
              f"{len(labels)} images: {text}")

    with open(report) as f:
        rep = json.load(f)
    print(f"report: {rep['quantized_ops']} ops int8, budget {rep['budget']['metric']} >= "
          f"{rep['budget']['min']}: {'met' if rep['budget']['met'] else 'not met'}, kept in float: "
          f"{rep['float_layers'] or 'none'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
