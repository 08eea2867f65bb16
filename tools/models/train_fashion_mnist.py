#!/usr/bin/python3
"""Trains Kiln's example model, a small CNN on Fashion-MNIST (Debian dataset-fashion-mnist), and
exports it to ONNX with its measured test accuracy.

    tools/models/train_fashion_mnist.py    # -> examples/fashion_mnist/fashion_cnn.onnx, ACCURACY.md
    tools/models/train_fashion_mnist.py --epochs 1 --out-dir /tmp/fm   # a quick try

Model input "image": float32 [N,1,28,28] = pixel / 255.0 (no mean/std: the BatchNorm after the
first convolution absorbs it). Output "logits": float32 [N,10]. BatchNorm stays in the exported
graph (Kiln's passes fold it); Dropout is exported in inference form (absent). Training is seeded
and runs with deterministic algorithms on a fixed number of threads, so a rerun on the same
machine gives the same weights (checked: byte-identical ONNX); another CPU may round differently.
"""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

# libgomp threads that spin while waiting make a busy 2-core machine 3-4x slower; set before
# torch loads libgomp.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python_deps import fail, require  # noqa: E402
from fashion_mnist import CLASS_NAMES, dataset_dir, load_split, to_model_input  # noqa: E402

np = require("numpy")
torch = require("torch")
onnx = require("onnx")
nn = torch.nn

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPSET = 17


class FashionCnn(nn.Module):
    """conv3x3(16)-bn-relu-maxpool, conv3x3(32)-bn-relu-maxpool, fc(128)-relu-dropout, fc(10)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
            nn.MaxPool2d(2),                                   # 16 x 14 x 14
            nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2),                                   # 32 x 7 x 7
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25),
            nn.Linear(128, 10),
        )

    def forward(self, image):
        return self.classifier(self.features(image))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out-dir", default=os.path.join(REPO, "examples", "fashion_mnist"))
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=2e-3, help="peak Adam learning rate (cosine decay)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--no-oracle", action="store_true",
                   help="skip measuring the ONNX file with ONNX Runtime (tests/oracle)")
    return p.parse_args()


def seed_everything(seed, threads):
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


def predict(model, x, batch=1000):
    """Logits of the torch model on float32 array x, as a numpy array."""
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out.append(model(torch.from_numpy(x[i:i + batch])).numpy())
    return np.concatenate(out)


def train(model, x, y, args):
    rng = np.random.default_rng(args.seed)
    steps_per_epoch = (len(x) + args.batch_size - 1) // args.batch_size
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch, pct_start=0.15)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        model.train()
        start = time.time()
        order = rng.permutation(len(x))
        flips = rng.random(len(x)) < 0.5  # augmentation: horizontal flip of half the images
        total = 0.0
        for step in range(steps_per_epoch):
            idx = order[step * args.batch_size:(step + 1) * args.batch_size]
            batch = x[idx]
            flip = flips[idx]
            batch[flip] = batch[flip][..., ::-1]
            optimizer.zero_grad()
            loss = loss_fn(model(torch.from_numpy(batch)), torch.from_numpy(y[idx]))
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch + 1}/{args.epochs}: train loss {total / len(x):.4f} "
              f"({time.time() - start:.1f} s)", flush=True)


def export_onnx(model, path):
    model.eval()
    # torch warns about constant folding in PRESERVE mode for models in training mode; ours is not.
    warnings.filterwarnings("ignore", message=".*do_constant_folding=False.*")
    # PRESERVE (the model is in eval mode) keeps BatchNormalization nodes: EVAL would let torch
    # fold them into the convolutions, and folding is Kiln's job.
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), path, input_names=["image"], output_names=["logits"],
        dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}}, opset_version=OPSET,
        do_constant_folding=True, training=torch.onnx.TrainingMode.PRESERVE)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    return m


def oracle_logits(onnx_path, x):
    """Logits of the ONNX file under ONNX Runtime (tests/oracle/run_model.js), or None (why)."""
    script = os.path.join(REPO, "tests", "oracle", "run_model.js")
    if not shutil.which("node") or not os.path.isdir(os.path.join(REPO, "tests", "oracle",
                                                                  "node_modules")):
        return None, "node or tests/oracle/node_modules missing (run tools/setup.sh)"
    with tempfile.TemporaryDirectory() as tmp:
        np.save(os.path.join(tmp, "image.npy"), x)
        r = subprocess.run(["node", script, onnx_path, "--input",
                            f"image={os.path.join(tmp, 'image.npy')}", "--output-dir", tmp],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return None, f"run_model.js failed: {r.stderr.strip()}"
        return np.load(os.path.join(tmp, "logits.npy")), None


def write_report(path, args, torch_acc, per_class, onnx_acc, onnx_note, max_diff, size,
                 op_counts, params, train_seconds, train_cpu):
    cmd = (f"/usr/bin/python3 tools/models/train_fashion_mnist.py --epochs {args.epochs} "
           f"--batch-size {args.batch_size} --lr {args.lr} --seed {args.seed} "
           f"--threads {args.threads}")
    onnx_line = (f"| ONNX file under ONNX Runtime 1.30 (tests/oracle) | {onnx_acc * 100:.2f}% "
                 f"({round(onnx_acc * 10000)}/10000); max abs logit difference to torch "
                 f"{max_diff:.2e} |" if onnx_acc is not None else
                 f"| ONNX file under ONNX Runtime | not measured: {onnx_note} |")
    lines = [
        "# Fashion-MNIST CNN: measured accuracy",
        "",
        f"Written by `tools/models/train_fashion_mnist.py` on {datetime.date.today()} "
        f"(torch {torch.__version__}, ONNX {onnx.__version__}, opset {OPSET}).",
        "",
        "| what | top-1 accuracy on the 10,000 test images |",
        "| --- | --- |",
        f"| torch model (fp32) | {torch_acc * 100:.2f}% ({round(torch_acc * 10000)}/10000) |",
        onnx_line,
        "",
        "## Model",
        "",
        "`fashion_cnn.onnx`: input `image` float32 [N,1,28,28] = pixel / 255.0 (no mean/std "
        "subtraction: the BatchNorm after the first convolution absorbs it), output `logits` "
        "float32 [N,10] (argmax = class). Symbolic batch `N`.",
        "",
        f"- conv3x3(16)-BN-ReLU-maxpool2, conv3x3(32)-BN-ReLU-maxpool2, flatten, "
        f"fc(1568→128)-ReLU-dropout(0.25), fc(128→10); {params:,} parameters, "
        f"{size:,} bytes.",
        "- BatchNorm is kept in the graph (Kiln's passes fold it); dropout is exported in its "
        "inference form (no node).",
        "- Op types: " + ", ".join(f"{k} {v}" for k, v in sorted(op_counts.items())) + ".",
        "",
        "## Training",
        "",
        f"    {cmd}",
        "",
        f"Data: Debian `dataset-fashion-mnist` ({dataset_dir()}), 60,000 training images, "
        "random horizontal flip of half of each epoch's images. Adam with a one-cycle "
        f"learning-rate schedule, cross-entropy loss, {args.epochs} epochs of batch "
        f"{args.batch_size}: {train_seconds:.0f} s wall, {train_cpu:.0f} s CPU on {args.threads} "
        f"threads. Seeds: "
        f"`torch.manual_seed({args.seed})`, `numpy.random.default_rng({args.seed})` (shuffle, "
        "flips); `torch.use_deterministic_algorithms(True)`. A rerun on the same machine "
        "reproduces the weights; another CPU may round differently.",
        "",
        "## Per-class accuracy (torch)",
        "",
        "| class | accuracy |",
        "| --- | --- |",
    ] + [f"| {i} {name} | {acc * 100:.1f}% |" for i, (name, acc) in
         enumerate(zip(CLASS_NAMES, per_class))] + [
        "",
        "## Reproduce the test-set measurement with Kiln",
        "",
        "    tools/models/fashion_mnist_to_npy.py --out build/fashion_mnist",
        "    kiln run examples/fashion_mnist/fashion_cnn.onnx "
        "--input image=build/fashion_mnist/image.npy --output-dir build/fashion_mnist/out",
        "    tools/models/accuracy.py build/fashion_mnist/out/logits.npy "
        "build/fashion_mnist/labels.npy",
        "",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    args = parse_args()
    seed_everything(args.seed, args.threads)
    train_images, train_labels = load_split("train")
    test_images, test_labels = load_split("test")
    x_train, x_test = to_model_input(train_images), to_model_input(test_images)

    model = FashionCnn()
    params = sum(p.numel() for p in model.parameters())
    print(f"training FashionCnn ({params:,} parameters) on {len(x_train)} images, "
          f"{args.epochs} epochs, {args.threads} threads, seed {args.seed}", flush=True)
    start, start_cpu = time.time(), time.process_time()
    train(model, x_train, train_labels, args)
    train_seconds, train_cpu = time.time() - start, time.process_time() - start_cpu

    logits = predict(model, x_test)
    correct = logits.argmax(1) == test_labels
    torch_acc = float(correct.mean())
    per_class = [float(correct[test_labels == c].mean()) for c in range(10)]
    print(f"torch test accuracy: {torch_acc * 100:.2f}% (training {train_seconds:.0f} s wall, "
          f"{train_cpu:.0f} s CPU)")

    os.makedirs(args.out_dir, exist_ok=True)
    onnx_path = os.path.join(args.out_dir, "fashion_cnn.onnx")
    m = export_onnx(model, onnx_path)
    size = os.path.getsize(onnx_path)
    op_counts = {}
    for node in m.graph.node:
        op_counts[node.op_type] = op_counts.get(node.op_type, 0) + 1
    print(f"wrote {onnx_path} ({size:,} bytes), ops {op_counts}")

    onnx_acc, max_diff, note = None, None, None
    if not args.no_oracle:
        ort_logits, note = oracle_logits(onnx_path, x_test)
        if ort_logits is not None:
            onnx_acc = float((ort_logits.argmax(1) == test_labels).mean())
            max_diff = float(np.abs(ort_logits - logits).max())
            print(f"ONNX Runtime test accuracy: {onnx_acc * 100:.2f}% "
                  f"(max |logit diff| to torch {max_diff:.2e})")
        else:
            print(f"ONNX Runtime accuracy not measured: {note}")
    else:
        note = "skipped (--no-oracle)"

    report = os.path.join(args.out_dir, "ACCURACY.md")
    write_report(report, args, torch_acc, per_class, onnx_acc, note, max_diff, size, op_counts,
                 params, train_seconds, train_cpu)
    print(f"wrote {report}")
    if torch_acc < 0.90:
        fail(f"test accuracy {torch_acc * 100:.2f}% is below the 90% target")


if __name__ == "__main__":
    main()
