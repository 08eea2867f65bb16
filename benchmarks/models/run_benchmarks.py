#!/usr/bin/python3
"""Kiln (cloud and edge targets) vs ONNX Runtime, end to end, on the test model set (one command).

Builds the models (tools/models/generate_test_models.py: resnet18, resnet50, mobilenet_v2, the
transformer; plus the committed Fashion-MNIST CNN), compiles each with `kiln compile --target
cloud` and, for the edge models (mobilenet_v2 and resnet18 by default, --edge-models), with
`--target edge` (the XNNPACK runtime, here on x86-64). Then for each thread count it times every
Kiln artifact (`kiln bench --json`) and ONNX Runtime (tests/oracle/bench_model.js:
onnxruntime-node, CPU provider, graph optimization `all`, the same intra-op thread count) on the
same input, interleaved: --rounds rounds, each running all of them for --runs timed runs after
warm-up, rotating which goes first. Medians pool every timed run of all rounds (50 each by
default). Peak RSS is each process's maximum resident set (wait4).

Many short rounds (10 x 5) rather than a few long ones: on shared machines the speed of the
whole host drifts for seconds at a time (here by up to ~25%), and a long round can land entirely
inside a slow phase for one runtime and a fast one for the other. Short alternating rounds give
both runtimes the same mix of phases.

Prints a Markdown table: model, target, threads, ORT median ms, Kiln median ms, Kiln/ORT, peak
RSS of each. --json FILE also writes every figure.

Usage: benchmarks/models/run_benchmarks.py [--build build/release] [--threads 1,2]
       [--models resnet50,mobilenet_v2] [--edge-models mobilenet_v2,resnet18] [--rounds 10]
       [--runs 5] [--json out.json]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = "/usr/bin/python3"
BENCH_JS = os.path.join(ROOT, "tests", "oracle", "bench_model.js")
ALL_MODELS = ["resnet18", "resnet50", "mobilenet_v2", "transformer", "fashion_cnn"]
EDGE_MODELS = ["mobilenet_v2", "resnet18"]


def run_with_rss(cmd):
    """Runs `cmd`; returns (stdout, peak RSS MiB of that process)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"run_benchmarks: error: {' '.join(cmd)} failed: "
                 f"{(err or out).decode(errors='replace').strip()}")
    return out.decode(), usage.ru_maxrss / 1024.0


def cpu_name():
    """The CPU's model name from /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        return "unknown CPU"


def time_interleaved(cmds, rounds):
    """Runs every command of `cmds` (name -> argv printing `--json` timings) once per round,
    rotating which goes first; returns (name -> all times_ms, name -> peak RSS MiB)."""
    times = {who: [] for who in cmds}
    rss = {who: 0.0 for who in cmds}
    order = list(cmds)
    for r in range(rounds):
        for who in order[r % len(order):] + order[:r % len(order)]:
            out, peak = run_with_rss(cmds[who])
            times[who] += json.loads(out.strip().splitlines()[-1])["times_ms"]
            rss[who] = max(rss[who], peak)
    return times, rss


def model_set(build, names):
    """Model name -> (onnx path, input name, input .npy), generating what is missing."""
    models_dir = os.path.join(build, "models")
    torch_models = [n for n in names if n != "fashion_cnn"]
    if any(not os.path.exists(os.path.join(models_dir, f"{n}.onnx")) for n in torch_models):
        print(f"run_benchmarks: generating test models into {models_dir}", file=sys.stderr)
        subprocess.run([PYTHON, os.path.join(ROOT, "tools", "models", "generate_test_models.py"),
                        "--out", models_dir], check=True)
    result = {}
    for n in torch_models:
        result[n] = (os.path.join(models_dir, f"{n}.onnx"), "input",
                     os.path.join(models_dir, f"{n}.input.npy"))
    if "fashion_cnn" in names:
        npy = os.path.join(build, "bench", "fashion_image1.npy")
        if not os.path.exists(npy):
            os.makedirs(os.path.dirname(npy), exist_ok=True)
            subprocess.run([PYTHON, os.path.join(ROOT, "tools", "models",
                                                 "fashion_mnist_to_npy.py"),
                            "--out", os.path.dirname(npy) + "/fashion1", "--count", "1"],
                           check=True)
            os.replace(os.path.join(os.path.dirname(npy), "fashion1", "image.npy"), npy)
        result["fashion_cnn"] = (os.path.join(ROOT, "examples", "fashion_mnist",
                                              "fashion_cnn.onnx"), "image", npy)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build", "release"),
                   help="a configured and built Kiln build directory (default build/release)")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--models", default=",".join(ALL_MODELS))
    p.add_argument("--edge-models", default=",".join(EDGE_MODELS),
                   help="models also compiled and timed for the edge target ('' for none)")
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--runs", type=int, default=5, help="timed runs per round and runtime")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--json", help="also write all figures to this file")
    args = p.parse_args()

    kiln = os.path.join(args.build, "tools", "kiln", "kiln")
    if not os.path.exists(kiln):
        sys.exit(f"run_benchmarks: error: no kiln binary at {kiln} (build first: "
                 f"cmake --preset release && cmake --build --preset release)")
    names = args.models.split(",")
    edge_names = [n for n in args.edge_models.split(",") if n]
    unknown = [n for n in names + edge_names if n not in ALL_MODELS]
    if unknown:
        sys.exit(f"run_benchmarks: error: unknown model(s) {unknown}; known: {ALL_MODELS}")
    names += [n for n in edge_names if n not in names]
    models = model_set(args.build, names)
    work = os.path.join(args.build, "bench")
    os.makedirs(work, exist_ok=True)

    rows = []
    for name in names:
        onnx, input_name, npy = models[name]
        targets = [t for t, wanted in (("cloud", name in args.models.split(",")),
                                       ("edge", name in edge_names)) if wanted]
        artifacts = {}
        for target in targets:
            artifacts[target] = os.path.join(work, f"{name}.{target}.kiln")
            subprocess.run([kiln, "compile", onnx, "--target", target, "-o", artifacts[target]],
                           check=True, stderr=subprocess.DEVNULL)
        for threads in [int(t) for t in args.threads.split(",")]:
            cmds = {}
            for target in targets:
                cmds[target] = [kiln, "bench", artifacts[target], "--input",
                                f"{input_name}={npy}", "--threads", str(threads), "--runs",
                                str(args.runs), "--warmup", str(args.warmup), "--json"]
            cmds["ort"] = ["node", BENCH_JS, onnx, "--input", f"{input_name}={npy}", "--threads",
                           str(threads), "--runs", str(args.runs), "--warmup", str(args.warmup),
                           "--optimization", "all", "--json"]
            times, rss = time_interleaved(cmds, args.rounds)
            for target in targets:
                row = {"model": name, "target": target, "threads": threads,
                       "ort_median_ms": statistics.median(times["ort"]),
                       "kiln_median_ms": statistics.median(times[target]),
                       "ort_runs": len(times["ort"]), "kiln_runs": len(times[target]),
                       "ort_peak_rss_mib": rss["ort"], "kiln_peak_rss_mib": rss[target]}
                row["ratio"] = row["kiln_median_ms"] / row["ort_median_ms"]
                rows.append(row)
                print(f"run_benchmarks: {name} {target} threads={threads}: "
                      f"ORT {row['ort_median_ms']:.2f} ms, Kiln {row['kiln_median_ms']:.2f} ms, "
                      f"ratio {row['ratio']:.3f}", file=sys.stderr)

    cpu = cpu_name()
    print(f"Kiln vs ONNX Runtime (CPU provider, graph optimization all), batch 1, "
          f"{args.rounds}x{args.runs} timed runs each, interleaved; {cpu}, {os.cpu_count()} "
          f"cores, {time.strftime('%Y-%m-%d')}\n")
    print("| model | target | threads | ORT median ms | Kiln median ms | Kiln/ORT "
          "| ORT peak RSS MiB | Kiln peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['model']} | {row['target']} | {row['threads']} | "
              f"{row['ort_median_ms']:.2f} | "
              f"{row['kiln_median_ms']:.2f} | {row['ratio']:.3f} | {row['ort_peak_rss_mib']:.0f} "
              f"| {row['kiln_peak_rss_mib']:.0f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cpu": cpu, "platform": platform.platform(), "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
