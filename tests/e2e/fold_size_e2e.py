#!/usr/bin/python3
"""Constant folding never inflates a model: `kiln opt -O2` of a Range/Expand/Tile/
ConstantOfShape-heavy ONNX model (large tensors computed from a few scalars, next to small shape
arithmetic that should fold) writes an ONNX file at most 1% larger than the original, and ONNX
Runtime gives the same outputs for both (max relative error <= 1e-6).

Usage: fold_size_e2e.py --kiln BIN --work DIR
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from output_compare import run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN_MODEL_JS = os.path.join(ROOT, "tests", "oracle", "run_model.js")
MAX_GROWTH = 0.01


def const(name, array):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(array, name))


def build_model():
    """x: f32[N,256]. Large values come from scalars; the graph's weights are a few KB."""
    i64 = lambda *v: np.array(v, dtype=np.int64)
    f32 = lambda *v: np.array(v, dtype=np.float32)
    nodes = [
        const("start", np.float32(0.0)), const("limit", np.float32(65536.0)),
        const("delta", np.float32(1.0)),
        helper.make_node("Range", ["start", "limit", "delta"], ["ramp"]),          # 256 KB
        const("grid", i64(256, 256)),
        helper.make_node("Reshape", ["ramp", "grid"], ["ramp2d"]),
        const("one", np.float32(1.0)),
        const("big_shape", i64(64, 256, 256)),
        helper.make_node("Expand", ["one", "big_shape"], ["ones"]),               # 16 MB
        helper.make_node("ConstantOfShape", ["big_shape"], ["zeros"],
                         value=numpy_helper.from_array(f32(0.5))),                 # 16 MB
        const("reps", i64(1, 64)),
        const("row", np.linspace(-1, 1, 256, dtype=np.float32).reshape(1, 256)),
        helper.make_node("Tile", ["row", "reps"], ["tiled"]),                     # 64 KB
        # Small shape arithmetic that folds: Shape(row) -> Gather -> Mul -> Unsqueeze.
        helper.make_node("Shape", ["row"], ["row_shape"]),
        const("idx", np.array(1, dtype=np.int64)),
        helper.make_node("Gather", ["row_shape", "idx"], ["width"], axis=0),
        const("scale", np.array(1, dtype=np.int64)),
        helper.make_node("Mul", ["width", "scale"], ["width1"]),
        const("axes", i64(0)),
        helper.make_node("Unsqueeze", ["width1", "axes"], ["width_vec"]),
        const("minus_one", i64(-1)),
        helper.make_node("Concat", ["minus_one", "width_vec"], ["flat_shape"], axis=0),
        # y = x @ ramp2d / 65536 + mean(ones + zeros) * sum(tiled) + reshape(x)
        helper.make_node("MatMul", ["x", "ramp2d"], ["xr"]),
        const("norm", np.float32(65536.0)),
        helper.make_node("Div", ["xr", "norm"], ["xr_n"]),
        helper.make_node("Add", ["ones", "zeros"], ["oz"]),
        helper.make_node("ReduceMean", ["oz"], ["oz_mean"], keepdims=0),
        helper.make_node("ReduceSum", ["tiled"], ["t_sum"], keepdims=0),
        helper.make_node("Mul", ["oz_mean", "t_sum"], ["bias"]),
        helper.make_node("Add", ["xr_n", "bias"], ["y0"]),
        helper.make_node("Reshape", ["x", "flat_shape"], ["x_flat"]),
        helper.make_node("Add", ["y0", "x_flat"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "fold_size",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 256])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 256])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiln", required=True)
    p.add_argument("--work", required=True)
    args = p.parse_args()
    subprocess.run(["rm", "-rf", args.work], check=True)
    os.makedirs(args.work)
    original = os.path.join(args.work, "fold_size.onnx")
    optimized = os.path.join(args.work, "fold_size.opt.onnx")
    onnx.save(build_model(), original)
    print(run([args.kiln, "opt", original, "-O2", "--stats", "-o", optimized]).stderr, end="")

    before, after = os.path.getsize(original), os.path.getsize(optimized)
    growth = after / before - 1
    ok = growth <= MAX_GROWTH
    print(f"{'PASS' if ok else 'FAIL'} file size {before:,} -> {after:,} bytes "
          f"({growth:+.2%}, at most {MAX_GROWTH:+.0%})")

    x = np.random.default_rng(0).standard_normal((3, 256), dtype=np.float32)
    x_path = os.path.join(args.work, "x.npy")
    np.save(x_path, x)
    outs = []
    for model, d in ((original, "ort"), (optimized, "ort_opt")):
        out_dir = os.path.join(args.work, d)
        run(["node", RUN_MODEL_JS, model, "--input", f"x={x_path}", "--output-dir", out_dir])
        outs.append(np.load(os.path.join(out_dir, "y.npy")).astype(np.float64))
    rel = np.max(np.abs(outs[0] - outs[1])) / np.max(np.abs(outs[0]))
    same = rel <= 1e-6 and outs[0].shape == outs[1].shape
    print(f"{'PASS' if same else 'FAIL'} ort optimized vs original: max rel err {rel:.2e} (<= 1e-6)")
    return 0 if ok and same else 1


if __name__ == "__main__":
    sys.exit(main())
