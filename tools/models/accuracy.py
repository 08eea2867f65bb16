#!/usr/bin/python3
"""Prints the top-1 accuracy of a classifier's logits against labels (the last step of the
Fashion-MNIST demo, after `kiln run` wrote the logits).

    tools/models/accuracy.py OUT/logits.npy build/fashion_mnist/labels.npy
    tools/models/accuracy.py OUT/logits.npy labels.npy --min 0.90      # exit 1 below 90%

Logits: float [N,C] (any float dtype); labels: integer [N]. Prints one line
`top-1 accuracy: 91.23% (9123/10000)`; exits 1 with a one-line error on a bad file or shape,
or when the accuracy is below --min.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python_deps import fail, require  # noqa: E402

np = require("numpy")


def load(path, what):
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as e:
        fail(f"cannot read {what} {path}: {e}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("logits", help=".npy of float [N,C]")
    p.add_argument("labels", help=".npy of integer [N]")
    p.add_argument("--min", type=float, default=None, help="fail when accuracy is below (0..1)")
    args = p.parse_args()

    logits = load(args.logits, "logits")
    labels = load(args.labels, "labels")
    if logits.ndim != 2 or not np.issubdtype(logits.dtype, np.floating):
        fail(f"{args.logits}: want float logits [N,C], got {logits.dtype} {list(logits.shape)}")
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        fail(f"{args.labels}: want integer labels [N], got {labels.dtype} {list(labels.shape)}")
    if len(labels) != len(logits) or len(labels) == 0:
        fail(f"{len(logits)} logits rows but {len(labels)} labels")
    if np.isnan(logits).any():
        fail(f"{args.logits}: contains NaN")
    correct = int((logits.argmax(axis=1) == labels).sum())
    accuracy = correct / len(labels)
    print(f"top-1 accuracy: {accuracy * 100:.2f}% ({correct}/{len(labels)})")
    if args.min is not None and accuracy < args.min:
        fail(f"accuracy {accuracy * 100:.2f}% is below --min {args.min * 100:.2f}%")


if __name__ == "__main__":
    main()
