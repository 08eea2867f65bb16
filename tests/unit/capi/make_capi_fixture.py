#!/usr/bin/python3
"""Writes what the C API tests read: two artifacts for one target and reference outputs.

    make_capi_fixture.py --kiln BIN --fashion-cnn fashion_cnn.onnx --two-inputs two_inputs.kir \
                         --out DIR [--target cloud|edge]

TARGET is the runtime whose C library the tests run (default cloud): the cloud one
(kiln_runtime_c) or the edge one (libkiln_edge.so).

DIR/fashion_cnn.kiln   `kiln compile --target TARGET` of the trained Fashion-MNIST CNN (image:
                       f32[N,1,28,28] -> logits: f32[N,10]; memory planned for N <= 1, so a
                       larger batch makes the runtime re-plan)
DIR/image_b1.npy, image_b3.npy
                       deterministic inputs in [0, 1) with batch 1 and 3 (image_b3.f32: the
                       same batch 3 as raw float32, for classify_example.c)
DIR/reference_b1/logits.npy, reference_b3/logits.npy
                       `kiln run` of the .onnx on those inputs: the reference runtime's outputs
DIR/two_inputs.kiln    two inputs sharing the symbol N, two outputs (see two_inputs.kir)
DIR/other_target.kiln  two_inputs.kir compiled for the other target (edge for cloud and back),
                       which TARGET's runtime must refuse

Only the Python standard library is used. Exits non-zero with the failing command's error.
"""
import argparse
import os
import random
import shutil
import struct
import subprocess
import sys


def write_npy_f32(path, shape, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % "".join(
        f"{d}, " for d in shape)
    # Magic, version 1.0, header length; the header is padded with spaces to a multiple of 64.
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        f.write(struct.pack(f"<{len(values)}f", *values))


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"make_capi_fixture.py: error: {' '.join(cmd)} failed: "
                 f"{(r.stderr or r.stdout).strip()}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiln", required=True)
    p.add_argument("--fashion-cnn", required=True)
    p.add_argument("--two-inputs", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--target", choices=("cloud", "edge"), default="cloud")
    args = p.parse_args()
    other_target = "edge" if args.target == "cloud" else "cloud"

    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    out = lambda name: os.path.join(args.out, name)  # noqa: E731

    run([args.kiln, "compile", args.fashion_cnn, "--target", args.target, "-q",
         "-o", out("fashion_cnn.kiln")])
    run([args.kiln, "compile", args.two_inputs, "--target", args.target, "-q",
         "-o", out("two_inputs.kiln")])
    run([args.kiln, "compile", args.two_inputs, "--target", other_target, "-q",
         "-o", out("other_target.kiln")])
    rng = random.Random(5)
    for batch in (1, 3):
        shape = (batch, 1, 28, 28)
        values = [rng.random() for _ in range(batch * 28 * 28)]
        write_npy_f32(out(f"image_b{batch}.npy"), shape, values)
        if batch == 3:
            with open(out("image_b3.f32"), "wb") as f:
                f.write(struct.pack(f"<{len(values)}f", *values))
        run([args.kiln, "run", args.fashion_cnn, "--input", f"image={out(f'image_b{batch}.npy')}",
             "--output-dir", out(f"reference_b{batch}"), "--quiet"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
