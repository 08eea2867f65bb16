#!/usr/bin/python3
"""End-to-end check of one target on one model: compile, run, compare with the reference.

1. `kiln compile MODEL --target T` twice gives byte-identical artifacts (deterministic).
2. For every --inputs set (e.g. batch 1 and batch 4 of a symbolic batch dim), running the
   artifact matches `kiln run` of the source model on the reference runtime: cosine >= 0.99999
   and max relative error <= 1e-4 (--min-cosine, --max-rel-err), the relative error being
   max|target - reference| / max|reference|. The artifact runs under `kiln run` (cloud: oneDNN), or under --runner, the
   edge runner's command line (e.g. "qemu-aarch64 -L ... build/aarch64/.../kiln-edge-run").
Run it with ONEDNN_MAX_CPU_ISA=AVX2 in the environment to check the AVX2 kernels too.

Usage: target_e2e.py --kiln BIN --model M.onnx --inputs NAME=X.npy[,NAME2=Y.npy] [--inputs ...]
                     --work DIR [--target cloud|edge] [--runner CMD] [--threads 2]
                     [--compile-arg=--max-dim=N=4 ...] [--min-cosine C] [--max-rel-err E]
Exit 0 when every check holds, 1 otherwise (one line per check either way).
"""
import argparse
import filecmp
import os
import shlex
import shutil
import sys

from output_compare import compare, outputs, run

MIN_COSINE = 0.99999
MAX_REL_ERR = 1e-4


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiln", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--inputs", action="append", required=True,
                   help="one input set: NAME=FILE.npy[,NAME=FILE.npy...]; repeat for more sets")
    p.add_argument("--work", required=True, help="scratch directory (emptied first)")
    p.add_argument("--target", default="cloud", choices=["cloud", "edge"])
    p.add_argument("--runner", help="command that runs the artifact (kiln-edge-run's flags); "
                                    "default: kiln run")
    p.add_argument("--threads", default="2")
    p.add_argument("--compile-arg", action="append", default=[],
                   help="extra argument for kiln compile (repeatable)")
    p.add_argument("--min-cosine", type=float, default=MIN_COSINE)
    p.add_argument("--max-rel-err", type=float, default=MAX_REL_ERR,
                   help="looser for an int8 model: its float outputs move by parts of a step")
    args = p.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    name = os.path.splitext(os.path.basename(args.model))[0]
    isa = os.environ.get("ONEDNN_MAX_CPU_ISA", "default ISA") if args.target == "cloud" else (
        "runner " + os.path.basename(shlex.split(args.runner)[-1]) if args.runner else "kiln run")
    artifacts = [os.path.join(args.work, f"{name}.{i}.kiln") for i in (1, 2)]
    for artifact in artifacts:
        run([args.kiln, "compile", args.model, "--target", args.target, "-o", artifact]
            + args.compile_arg)
    ok = filecmp.cmp(artifacts[0], artifacts[1], shallow=False)
    print(f"{'PASS' if ok else 'FAIL'} {name}: compiling twice gives identical bytes "
          f"({os.path.getsize(artifacts[0])} bytes)")

    for index, input_set in enumerate(args.inputs):
        flags = []
        for item in input_set.split(","):
            flags += ["--input", item]
        ref_dir = os.path.join(args.work, f"reference{index}")
        out_dir = os.path.join(args.work, f"{args.target}{index}")
        run([args.kiln, "run", args.model, "--output-dir", ref_dir, "--threads", args.threads,
             "--quiet"] + flags)
        if args.runner:
            os.makedirs(out_dir)
            run(shlex.split(args.runner) + [artifacts[0], "--output-dir", out_dir, "--threads",
                                            args.threads] + flags)
        else:
            run([args.kiln, "run", artifacts[0], "--output-dir", out_dir, "--threads",
                 args.threads, "--quiet"] + flags)
        label = f"{name} {args.target} vs reference ({input_set.split('/')[-1]}, {isa})"
        ok = compare(label, outputs(out_dir), outputs(ref_dir), args.min_cosine,
                     args.max_rel_err) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
