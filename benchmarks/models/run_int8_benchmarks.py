#!/usr/bin/python3
"""Kiln int8 vs ONNX Runtime on Kiln's own QDQ export and vs Kiln fp32, end to end (one command).

For each model and target (resnet50 on cloud and mobilenet_v2 on edge with static int8, the
transformer on cloud with int8-dynamic, by default;
tools/models/generate_test_models.py, random weights: this measures speed, not accuracy) it
writes --calib-count seeded random calibration samples, then
  - `kiln compile --target T`                                       -> fp32 artifact
  - `kiln compile --target T --quantize int8 --calib DIR`           -> int8 artifact
  - `kiln opt -O2 --target T --quantize int8 --calib DIR -o q.onnx` -> the same quantized model
    as QDQ ONNX, which ONNX Runtime runs with its own int8 kernels (QLinearConv after its QDQ
    fusions; graph optimization `all`); for int8-dynamic the export reads each marked matrix
    product's input through DynamicQuantizeLinear, which ORT fuses into MatMulInteger
and times Kiln int8, Kiln fp32, ONNX Runtime on the QDQ export and ONNX Runtime fp32 on the
same input, interleaved in short rounds exactly like run_benchmarks.py (whose helpers it uses).
The edge rows run the edge runtime (XNNPACK) on this x86-64 machine.

Prints one Markdown table, a row per model, target and thread count: medians in ms, Kiln int8 /
ORT int8 (the issue asks <= 0.8 on cloud) and Kiln int8 / Kiln fp32 (<= 0.4 on cloud). --json
FILE writes every figure.

Usage: benchmarks/models/run_int8_benchmarks.py [--build build/release] [--models resnet50]
       [--edge-models mobilenet_v2] [--dynamic-models transformer] [--threads 1,2] [--rounds 10] [--runs 5] [--calib-count 8]
       [--json out.json]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_benchmarks as rb  # noqa: E402  (same folder)


def calibration_folder(work, name, input_npy, count):
    """`count` seeded standard-normal samples shaped like the benchmark input."""
    folder = os.path.join(work, f"{name}.calib")
    os.makedirs(folder, exist_ok=True)
    shape = np.load(input_npy).shape
    rng = np.random.default_rng(0)
    for i in range(count):
        np.save(os.path.join(folder, f"sample_{i:03d}.npy"),
                rng.standard_normal(shape).astype(np.float32))
    return folder


def build_variants(kiln, work, name, target, scheme, onnx, calib):
    """Paths of the fp32 and quantized artifacts and the ONNX export for `target`."""
    fp32 = os.path.join(work, f"{name}.{target}.kiln")
    int8 = os.path.join(work, f"{name}.{target}.{scheme}.kiln")
    qdq = os.path.join(work, f"{name}.{target}.{scheme}.onnx")
    quant = ["--target", target, "--quantize", scheme]
    if scheme == "int8":
        quant += ["--calib", calib]
    for cmd in ([kiln, "compile", onnx, "--target", target, "-o", fp32],
                [kiln, "compile", onnx, *quant, "-q", "-o", int8],
                [kiln, "opt", onnx, "-O2", *quant, "-o", qdq]):
        print(f"run_int8_benchmarks: {' '.join(cmd[1:3])} {os.path.basename(cmd[-1])}",
              file=sys.stderr)
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    return fp32, int8, qdq


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default=os.path.join(rb.ROOT, "build", "release"))
    p.add_argument("--models", default="resnet50", help="models on the cloud target")
    p.add_argument("--edge-models", default="mobilenet_v2",
                   help="models on the edge target ('' for none)")
    p.add_argument("--dynamic-models", default="transformer",
                   help="models quantized int8-dynamic on the cloud target ('' for none)")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--runs", type=int, default=5, help="timed runs per round and runtime")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--calib-count", type=int, default=8)
    p.add_argument("--json", help="also write all figures to this file")
    args = p.parse_args()

    kiln = os.path.join(args.build, "tools", "kiln", "kiln")
    if not os.path.exists(kiln):
        sys.exit(f"run_int8_benchmarks: error: no kiln binary at {kiln} (build first: "
                 f"cmake --preset release && cmake --build --preset release --target kiln)")
    runs = [(n, "cloud", "int8") for n in args.models.split(",") if n]
    runs += [(n, "edge", "int8") for n in args.edge_models.split(",") if n]
    runs += [(n, "cloud", "int8-dynamic") for n in args.dynamic_models.split(",") if n]
    names = sorted({n for n, _, _ in runs})
    unknown = [n for n in names if n not in rb.ALL_MODELS or n == "fashion_cnn"]
    if unknown:
        sys.exit(f"run_int8_benchmarks: error: unknown model(s) {unknown}")
    models = rb.model_set(args.build, names)
    work = os.path.join(args.build, "bench")
    os.makedirs(work, exist_ok=True)

    rows = []
    for name, target, scheme in runs:
        onnx, input_name, npy = models[name]
        calib = calibration_folder(work, name, npy, args.calib_count)
        fp32, int8, qdq = build_variants(kiln, work, name, target, scheme, onnx, calib)
        for threads in [int(t) for t in args.threads.split(",")]:
            common = ["--input", f"{input_name}={npy}", "--threads", str(threads), "--runs",
                      str(args.runs), "--warmup", str(args.warmup), "--json"]
            ort = ["node", rb.BENCH_JS]
            cmds = {"kiln_int8": [kiln, "bench", int8, *common],
                    "kiln_fp32": [kiln, "bench", fp32, *common],
                    "ort_int8": [*ort, qdq, *common, "--optimization", "all"],
                    "ort_fp32": [*ort, onnx, *common, "--optimization", "all"]}
            times, rss = rb.time_interleaved(cmds, args.rounds)
            row = {"model": name, "target": target, "scheme": scheme, "threads": threads}
            for who in cmds:
                row[f"{who}_median_ms"] = statistics.median(times[who])
                row[f"{who}_peak_rss_mib"] = rss[who]
                row[f"{who}_runs"] = len(times[who])
            row["int8_vs_ort_int8"] = row["kiln_int8_median_ms"] / row["ort_int8_median_ms"]
            row["int8_vs_kiln_fp32"] = row["kiln_int8_median_ms"] / row["kiln_fp32_median_ms"]
            rows.append(row)
            print(f"run_int8_benchmarks: {name} {target} {scheme} threads={threads}: Kiln int8 "
                  f"{row['kiln_int8_median_ms']:.2f} ms, ORT int8 {row['ort_int8_median_ms']:.2f} "
                  f"ms, Kiln fp32 {row['kiln_fp32_median_ms']:.2f} ms", file=sys.stderr)

    cpu = rb.cpu_name()
    print(f"Kiln int8 vs ONNX Runtime on Kiln's ONNX export (same target's scheme) and vs Kiln "
          f"fp32 on the same target, batch 1, {args.rounds}x{args.runs} timed runs each, "
          f"interleaved; {cpu}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n")
    print("| model | target | scheme | threads | Kiln int8 ms | ORT int8 (export) ms | Kiln fp32 ms "
          "| ORT fp32 ms | Kiln int8 / ORT int8 | Kiln int8 / Kiln fp32 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['target']} | {r['scheme']} | {r['threads']} | "
              f"{r['kiln_int8_median_ms']:.2f} | "
              f"{r['ort_int8_median_ms']:.2f} | {r['kiln_fp32_median_ms']:.2f} | "
              f"{r['ort_fp32_median_ms']:.2f} | {r['int8_vs_ort_int8']:.3f} | "
              f"{r['int8_vs_kiln_fp32']:.3f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cpu": cpu, "platform": platform.platform(), "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
