#!/usr/bin/python3
"""Exports Kiln's test architectures from torch to ONNX, with a deterministic sample input each:
resnet18, resnet50, mobilenet_v2 (torchvision, random weights) and a 4-layer TransformerEncoder.
Random weights are fine for speed and op coverage, useless for accuracy.

    tools/models/generate_test_models.py         # into $KILN_MODEL_CACHE or build/models
    tools/models/generate_test_models.py --out DIR --only resnet18,transformer --force

For each model NAME it writes DIR/NAME.onnx, DIR/NAME.input.npy (the sample input, batch 1,
float32, numpy-seeded), DIR/NAME.input4.npy (a batch-4 input for the symbolic batch dim) and
DIR/NAME.torch_output.npy (torch's output for the batch-1 input on this machine). Models whose
files exist and were made with the same opset and --seed (a metadata_props stamp) are skipped
unless --force. Every exported file passes onnx.checker (full check) and strict
onnx.shape_inference; a summary prints sizes, times and op-type counts.
"""

import argparse
import collections
import os
import sys
import time
import warnings

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see train_fashion_mnist.py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python_deps import fail, require  # noqa: E402

np = require("numpy")
torch = require("torch")
torchvision = require("torchvision")
onnx = require("onnx")
nn = torch.nn

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# metadata_props key recording how a cached model was made (the opset is in opset_import).
STAMP_KEY = "kiln.generate_test_models"
DEFAULT_OPSET = 17  # the newest opset ONNX 1.12 and torch 1.13 both know; LayerNorm is one node


class TransformerEncoderModel(nn.Module):
    """4 post-norm encoder layers (d_model 256, 8 heads, feed-forward 1024, GELU) + final LayerNorm.
    Input "input" float32 [N,128,256] (batch-first token embeddings), output [N,128,256]."""

    def __init__(self, d_model=256, nhead=8, dim_feedforward=1024, layers=4):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout=0.1,
                                           activation="gelu", batch_first=True)
        # enable_nested_tensor=False keeps torch off its fused fast path, which has no ONNX form.
        self.encoder = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(d_model),
                                             enable_nested_tensor=False)

    def forward(self, x):
        return self.encoder(x)


def randomize_defaults(model):
    """Replaces the parameters that torch initializes to constants with seeded random values.

    Fresh BatchNorm layers are the identity (weight 1, bias 0, mean 0, var 1) and every layer of
    a TransformerEncoder starts as a copy of one layer; the exporter would share those equal
    tensors through Identity nodes, and a wrong BatchNorm fold or a mixed-up layer would go
    unnoticed. Random but tame values keep activations in range through 50 layers.
    """
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                module.weight.uniform_(0.5, 1.5)
                module.bias.normal_(0.0, 0.1)
                module.running_mean.normal_(0.0, 0.1)
                module.running_var.uniform_(0.5, 1.5)
            elif isinstance(module, nn.LayerNorm):
                module.weight.uniform_(0.8, 1.2)
                module.bias.normal_(0.0, 0.05)
            elif isinstance(module, nn.TransformerEncoderLayer):
                for name, p in module.named_parameters():
                    if name.endswith("weight") and p.dim() == 2:
                        nn.init.xavier_uniform_(p)
                    elif name.endswith("bias"):
                        p.normal_(0.0, 0.02)
    return model


# name -> (constructor, sample input shape, opset or None for --opset). Every model has a
# symbolic batch dim "N"; a second sample input of batch 4 checks that it stays symbolic.
MODELS = {
    "resnet18": (lambda: torchvision.models.resnet18(weights=None), (1, 3, 224, 224), None),
    "resnet50": (lambda: torchvision.models.resnet50(weights=None), (1, 3, 224, 224), None),
    "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(weights=None), (1, 3, 224, 224),
                     None),
    # Opset 14: LayerNorm is spelled out in basic ops (one node from opset 17), GELU is
    # spelled out at every opset of torch 1.13, and the symbolic batch makes torch compute the
    # heads' reshape targets with Shape/Gather/Concat chains: what Kiln's passes must clean up.
    "transformer": (TransformerEncoderModel, (1, 128, 256), 14),
}
BATCH4 = 4


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=os.environ.get("KILN_MODEL_CACHE",
                                                   os.path.join(REPO, "build", "models")),
                   help="output folder (default $KILN_MODEL_CACHE or build/models)")
    p.add_argument("--only", default=",".join(MODELS),
                   help=f"comma-separated subset of {','.join(MODELS)}")
    p.add_argument("--force", action="store_true", help="re-export models already in --out")
    p.add_argument("--opset", type=int, default=DEFAULT_OPSET, choices=range(13, 18))
    p.add_argument("--seed", type=int, default=0, help="torch seed (weights), numpy seed (inputs)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    args.only = [n for n in args.only.split(",") if n]
    unknown = [n for n in args.only if n not in MODELS]
    if unknown:
        fail(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(MODELS)}")
    return args


def paths(out, name):
    return {kind: os.path.join(out, f"{name}.{kind}") for kind in
            ("onnx", "input.npy", f"input{BATCH4}.npy", "torch_output.npy")}


def model_opset(name, args):
    return MODELS[name][2] or args.opset


def cache_matches(name, files, args):
    """True when all files exist and the .onnx was made with this opset, seed and version."""
    if not all(os.path.exists(f) for f in files.values()):
        return False
    m = onnx.load(files["onnx"], load_external_data=False)
    opset = next((o.version for o in m.opset_import if o.domain in ("", "ai.onnx")), None)
    stamp = {p.key: p.value for p in m.metadata_props}.get(STAMP_KEY)
    return opset == model_opset(name, args) and stamp == stamp_value(args)


def stamp_value(args):
    # v2: GELU transformer at opset 14 with a symbolic batch, batch-4 inputs.
    return f"seed={args.seed} v2"


def export(name, files, args):
    """Exports one model; returns (seconds, op-type Counter)."""
    make, shape, _ = MODELS[name]
    torch.manual_seed(args.seed)
    model = randomize_defaults(make()).eval()
    rng = np.random.default_rng(args.seed)
    x = rng.standard_normal(shape, dtype=np.float32)
    x4 = rng.standard_normal((BATCH4,) + tuple(shape[1:]), dtype=np.float32)
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()

    dynamic_axes = {"input": {0: "N"}, "output": {0: "N"}}
    tmp = files["onnx"] + ".tmp"
    start = time.time()
    with warnings.catch_warnings():
        # PRESERVE on an eval-mode model warns about constant folding meant for training mode.
        warnings.filterwarnings("ignore", message=".*do_constant_folding=False.*")
        # PRESERVE keeps BatchNormalization nodes (EVAL would fold them into the convolutions,
        # which is Kiln's job); the model is in eval mode, so Dropout is exported as absent.
        torch.onnx.export(model, torch.from_numpy(x), tmp, input_names=["input"],
                          output_names=["output"], dynamic_axes=dynamic_axes,
                          opset_version=model_opset(name, args), do_constant_folding=True,
                          training=torch.onnx.TrainingMode.PRESERVE)
    seconds = time.time() - start

    m = onnx.load(tmp)
    m.metadata_props.add(key=STAMP_KEY, value=stamp_value(args))
    try:
        onnx.checker.check_model(m, full_check=True)
        onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    except Exception as e:  # onnx raises several checker/inference error types
        os.remove(tmp)
        fail(f"{name}: exported model is invalid: {str(e).splitlines()[0]}")
    # The .onnx goes last: its stamp marks the three files as one finished export.
    np.save(files["input.npy"], x)
    np.save(files[f"input{BATCH4}.npy"], x4)
    np.save(files["torch_output.npy"], expected)
    onnx.save(m, files["onnx"])
    os.remove(tmp)
    return seconds, collections.Counter(node.op_type for node in m.graph.node)


def describe(path):
    m = onnx.load(path)

    def dims(v):
        return "x".join(d.dim_param or str(d.dim_value) for d in v.type.tensor_type.shape.dim)

    ios = ", ".join(f"{v.name}[{dims(v)}]" for v in m.graph.input) + " -> " + ", ".join(
        f"{v.name}[{dims(v)}]" for v in m.graph.output)
    params = sum(int(np.prod(t.dims)) for t in m.graph.initializer)
    return m, ios, params


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    print(f"models in {args.out} (opset {args.opset}, seed {args.seed}, torch {torch.__version__},"
          f" torchvision {torchvision.__version__}, onnx {onnx.__version__})")
    for name in args.only:
        files = paths(args.out, name)
        if not args.force and cache_matches(name, files, args):
            seconds, ops, verb = None, None, "cached"
        else:
            seconds, ops, verb = *export(name, files, args), "exported"
        m, ios, params = describe(files["onnx"])
        ops = ops or collections.Counter(node.op_type for node in m.graph.node)
        took = f" in {seconds:.1f} s" if seconds is not None else ""
        print(f"{name}: {verb}{took}, {os.path.getsize(files['onnx']):,} bytes, "
              f"{params:,} parameters, {sum(ops.values())} nodes, {ios}")
        print("  ops: " + ", ".join(f"{op} {n}" for op, n in sorted(ops.items())))


if __name__ == "__main__":
    main()
