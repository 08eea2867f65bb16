#!/usr/bin/python3
"""Frame accuracy, F1 and ROC-AUC of VAD speech probabilities against gen_vad.py's labels.

    tools/models/npm/eval_vad.py PROBS.npy LABELS.npy [--threshold 0.5] [--ref PROBS2.npy]
    from eval_vad import evaluate;  evaluate(probs, labels) -> {"accuracy": 96.4, ...}

PROBS is run_vad.py's output, [S,T] (one probability per stream and 512-sample frame); LABELS
is [S,T'] with 1 for speech. Both are cut to the shorter T. A frame is called speech when its
probability is above the threshold; frame accuracy, precision, recall and F1 are in percent.
ROC-AUC (Mann-Whitney, over all frames; ties ranked in order) does not depend on the
threshold. With --ref, also the largest difference to another run's probabilities and the share
of frames with the same decision (fp32 vs int8), over the frames both runs cover.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import python_deps  # noqa: E402

np = python_deps.require("numpy")


def roc_auc(scores, truth):
    """Area under the ROC curve of 1-D scores for boolean truth; nan with one class only."""
    positives = int(truth.sum())
    negatives = truth.size - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = np.empty(scores.size)
    ranks[np.argsort(scores, kind="mergesort")] = np.arange(1, scores.size + 1)
    return float((ranks[truth].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def align(probs, labels):
    probs, labels = np.asarray(probs, np.float64), np.asarray(labels).astype(bool)
    if probs.ndim != 2 or labels.ndim != 2 or len(probs) != len(labels):
        raise ValueError(f"expected [S,T] probabilities and labels, got {list(probs.shape)} and "
                         f"{list(labels.shape)}")
    frames = min(probs.shape[1], labels.shape[1])
    return probs[:, :frames], labels[:, :frames]


def evaluate(probs, labels, threshold=0.5):
    """probs [S,T], labels [S,T] (1 = speech). Returns a dict (percentages and the AUC)."""
    probs, truth = align(probs, labels)
    speech = probs > threshold
    hits = int((speech & truth).sum())
    precision = 100.0 * hits / max(int(speech.sum()), 1)
    recall = 100.0 * hits / max(int(truth.sum()), 1)
    return {"frames": truth.size, "speech": 100.0 * truth.mean(), "threshold": threshold,
            "accuracy": 100.0 * (speech == truth).mean(), "precision": precision,
            "recall": recall, "f1": 2 * precision * recall / max(precision + recall, 1e-9),
            "auc": roc_auc(probs.ravel(), truth.ravel())}


def describe(m):
    return (f"frames={m['frames']} speech={m['speech']:.1f}% threshold={m['threshold']:g} "
            f"frame_accuracy={m['accuracy']:.2f}% precision={m['precision']:.2f}% "
            f"recall={m['recall']:.2f}% F1={m['f1']:.2f}% ROC-AUC={m['auc']:.4f}")


def main():
    args = sys.argv[1:]
    options = {"--ref": None, "--threshold": "0.5"}
    for flag in options:
        if flag in args:
            i = args.index(flag)
            if i + 1 >= len(args):
                python_deps.fail(f"{flag} needs a value")
            options[flag] = args[i + 1]
            del args[i:i + 2]
    if len(args) != 2:
        python_deps.fail("usage: eval_vad.py PROBS.npy LABELS.npy [--threshold 0.5] "
                         "[--ref PROBS2.npy]")
    try:
        threshold = float(options["--threshold"])
        probs, labels = np.load(args[0]), np.load(args[1])
        print(describe(evaluate(probs, labels, threshold)))
        if options["--ref"]:
            p, _ = align(probs, labels)
            q, _ = align(np.load(options["--ref"]), labels)
            frames = min(p.shape[1], q.shape[1])
            p, q = p[:, :frames], q[:, :frames]
            agree = 100.0 * ((p > threshold) == (q > threshold)).mean()
            print(f"vs ref: max_abs_diff={float(np.abs(p - q).max()):.3g} "
                  f"decision_agreement={agree:.2f}%")
    except (ValueError, OSError) as e:
        python_deps.fail(str(e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
