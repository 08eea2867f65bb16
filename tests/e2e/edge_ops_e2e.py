#!/usr/bin/python3
"""The edge target op by op: small ONNX models, one per kernel family (grouped, depthwise, dilated
and strided convs with fused activations; pools with padding and ceil mode; broadcasting
elementwise ops; softmax over inner and outer axes; data movement; reductions; matmul, gemm,
layer norm), each compiled with `kiln compile --target edge` and run by the edge runner on random
inputs, against `kiln run` of the ONNX model on the reference runtime: cosine >= 0.99999 and max
relative error <= 1e-5 per output. Covers the cases the four test models do not.

Usage: edge_ops_e2e.py --kiln BIN --runner CMD --work DIR [--only NAME]
(--runner: kiln-edge-run's command line, e.g. "qemu-aarch64 -L ... build/aarch64/.../kiln-edge-run")
Exit 0 when every model passes, 1 otherwise (one line per output either way).
"""
import argparse
import os
import shlex
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, shape_inference  # noqa: F401

from output_compare import compare, outputs, run

MIN_COSINE = 0.99999
MAX_REL_ERR = 1e-5
RNG = np.random.default_rng(7)


def weight(name, *shape, scale=0.5):
    return numpy_helper.from_array((RNG.standard_normal(shape) * scale).astype(np.float32), name)


def ints(name, *values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def model(name, nodes, inputs, outputs_, initializers=()):
    """An opset-17 model; inputs/outputs are (name, shape) pairs (outputs' shapes may be None)."""
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs_],
        list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    return m


def models():
    """Name -> (model, {input name: shape})."""
    n = helper.make_node
    m = {}
    m["conv_group_sigmoid"] = model(
        "conv_group_sigmoid",
        [n("Conv", ["x", "w", "b"], ["c"], group=2, strides=[2, 2], pads=[1, 1, 1, 1]),
         n("Sigmoid", ["c"], ["y"])],
        [("x", [1, 8, 11, 11])], [("y", None)], [weight("w", 6, 4, 3, 3), weight("b", 6)])
    m["conv_depthwise_hardswish"] = model(
        "conv_depthwise_hardswish",
        [n("Conv", ["x", "w"], ["c"], group=4, dilations=[2, 2], pads=[2, 2, 2, 2]),
         n("HardSwish", ["c"], ["y"])],
        [("x", [2, 4, 9, 9])], [("y", None)], [weight("w", 8, 1, 3, 3)])
    m["conv_same_tanh_residual"] = model(
        "conv_same_tanh_residual",
        [n("Conv", ["x", "w", "b"], ["c"], auto_pad="SAME_UPPER", kernel_shape=[3, 3]),
         n("Tanh", ["c"], ["t"]), n("Add", ["t", "x"], ["s"]), n("Relu", ["s"], ["y"])],
        [("x", [1, 5, 7, 6])], [("y", None)], [weight("w", 5, 5, 3, 3), weight("b", 5)])
    m["pools"] = model(
        "pools",
        [n("MaxPool", ["x"], ["a"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
           ceil_mode=1),
         n("AveragePool", ["x"], ["b"], kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1]),
         n("AveragePool", ["x"], ["c"], kernel_shape=[2, 2], strides=[2, 2]),
         n("GlobalMaxPool", ["x"], ["d"]), n("GlobalAveragePool", ["x"], ["e"])],
        [("x", [1, 3, 10, 10])], [("a", None), ("b", None), ("c", None), ("d", None),
                                  ("e", None)])
    m["elementwise"] = model(
        "elementwise",
        [n("Add", ["x", "row"], ["a"]), n("Mul", ["a", "col"], ["b"]), n("Sub", ["b", "x"], ["c"]),
         n("Div", ["c", "two"], ["d"]), n("Max", ["d", "x"], ["e"]), n("Min", ["e", "row"], ["f"]),
         n("Abs", ["f"], ["g"]), n("Pow", ["g", "two"], ["h"]), n("Sqrt", ["h"], ["i"]),
         n("Exp", ["x"], ["j"]), n("Log", ["j"], ["k"]), n("Erf", ["k"], ["l"]),
         n("LeakyRelu", ["l"], ["m"], alpha=0.2), n("Elu", ["m"], ["o"]),
         n("Clip", ["o", "lo", "hi"], ["y"])],
        [("x", [2, 3, 5])], [("y", None), ("i", None)],
        [weight("row", 5), weight("col", 3, 1), numpy_helper.from_array(np.float32(2.0), "two"),
         numpy_helper.from_array(np.float32(-0.3), "lo"),
         numpy_helper.from_array(np.float32(0.4), "hi")])
    m["softmax"] = model(
        "softmax",
        [n("Softmax", ["x"], ["a"], axis=1), n("Softmax", ["x"], ["b"], axis=-1),
         n("LogSoftmax", ["x"], ["c"], axis=2)],
        [("x", [2, 6, 7])], [("a", None), ("b", None), ("c", None)])
    m["movement"] = model(
        "movement",
        [n("Transpose", ["x"], ["t"], perm=[0, 2, 3, 1]),
         n("Slice", ["t", "starts", "ends", "axes", "steps"], ["s"]),
         n("Concat", ["s", "s"], ["c"], axis=3),
         n("Gather", ["c", "idx"], ["g"], axis=1),
         n("Reshape", ["g", "shape"], ["r"]),
         n("Unsqueeze", ["r", "ax0"], ["u"]), n("Squeeze", ["u", "ax0"], ["y"]),
         n("Flatten", ["x"], ["f"], axis=2)],
        [("x", [2, 3, 4, 5])], [("y", None), ("f", None)],
        [ints("starts", 3, 0), ints("ends", -100, 5), ints("axes", 1, 2), ints("steps", -2, 2),
         ints("idx", 1, 0, 1), ints("shape", 2, -1), ints("ax0", 0)])
    m["reductions"] = model(
        "reductions",
        [n("ReduceMean", ["x", "ax1"], ["a"], keepdims=0), n("ReduceSum", ["x", "ax02"], ["b"]),
         n("ReduceMax", ["x"], ["c"], keepdims=1)],
        [("x", [3, 4, 5])], [("a", None), ("b", None), ("c", None)],
        [ints("ax1", 1), ints("ax02", 0, 2)])
    m["matmul_gemm_layernorm"] = model(
        "matmul_gemm_layernorm",
        [n("MatMul", ["x", "w"], ["p"]), n("Add", ["p", "b"], ["q"]),
         n("LayerNormalization", ["q", "scale", "bias"], ["ln"], axis=-1, epsilon=1e-5),
         n("Transpose", ["ln"], ["lt"], perm=[0, 2, 1]), n("MatMul", ["ln", "lt"], ["att"]),
         n("Reshape", ["ln", "flat"], ["l2"]),
         n("Gemm", ["l2", "g", "gc"], ["y"], alpha=0.5, beta=2.0, transB=1),
         n("Gemm", ["l2", "g"], ["z"], transB=1)],
        [("x", [2, 4, 6])], [("att", None), ("y", None), ("z", None)],
        [weight("w", 6, 8), weight("b", 8), weight("scale", 8), weight("bias", 8),
         ints("flat", 8, 8), weight("g", 3, 8), weight("gc", 3)])
    return m


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiln", required=True)
    p.add_argument("--runner", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--only", help="run only this model")
    args = p.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    ok = True
    for name, m in models().items():
        if args.only and name != args.only:
            continue
        onnx_path = os.path.join(args.work, f"{name}.onnx")
        onnx.save(m, onnx_path)
        flags = []
        for i in m.graph.input:
            shape = [d.dim_value for d in i.type.tensor_type.shape.dim]
            x = (RNG.standard_normal(shape) * 2).astype(np.float32)
            path = os.path.join(args.work, f"{name}.{i.name}.npy")
            np.save(path, x)
            flags += ["--input", f"{i.name}={path}"]
        artifact = os.path.join(args.work, f"{name}.kiln")
        run([args.kiln, "compile", onnx_path, "--target", "edge", "-o", artifact])
        ref_dir = os.path.join(args.work, f"{name}.reference")
        edge_dir = os.path.join(args.work, f"{name}.edge")
        os.makedirs(edge_dir)
        run([args.kiln, "run", onnx_path, "--output-dir", ref_dir, "--quiet"] + flags)
        run(shlex.split(args.runner) + [artifact, "--output-dir", edge_dir] + flags)
        ok = compare(f"{name} edge vs reference", outputs(edge_dir), outputs(ref_dir), MIN_COSINE,
                     MAX_REL_ERR) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
