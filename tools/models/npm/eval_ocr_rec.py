#!/usr/bin/python3
"""Word accuracy and CER of PP-OCRv4 rec outputs against gen_ocr_rec.py's labels.

    tools/models/npm/eval_ocr_rec.py PROBS.npy LABELS.txt [--keys KEYS.txt] [--ref PROBS2.npy]
    from eval_ocr_rec import evaluate, load_keys;  evaluate(probs, labels, load_keys(path))

PROBS is the model's output `softmax_11.tmp_0`, [N,T,6625] (T = 40 for a width of 320). Decoding
is PaddleOCR's CTC greedy decoding: the argmax of every step, repeats collapsed, the blank (index
0) dropped; index i is line i of KEYS (default build/npm-models/ppocr-v4/ppocr_keys_v1.txt,
6623 lines) and the last index is a space. The text is then stripped: a leading or trailing
space is not part of a word (the model often emits one at the padding). Word accuracy is the
exact-match rate, CER the summed edit distance over the summed label length, both in percent.
With --ref, also the largest difference to another run's outputs and the share of words
decoded identically (fp32 vs int8).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import python_deps  # noqa: E402

np = python_deps.require("numpy")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
DEFAULT_KEYS = os.path.join(ROOT, "build", "npm-models", "ppocr-v4", "ppocr_keys_v1.txt")
SHOW_ERRORS = 10


def load_keys(path):
    """The class list: blank, the dictionary's lines, space."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    return ["<blank>"] + [line for line in lines if line != ""] + [" "]


def decode(probs, keys):
    """CTC greedy decoding of [N,T,C] -> N stripped strings."""
    if probs.shape[-1] != len(keys):
        raise ValueError(f"outputs have {probs.shape[-1]} classes but the keys give {len(keys)}")
    texts = []
    for row in np.asarray(probs).argmax(-1):
        chars, prev = [], -1
        for k in row:
            if k != prev and k != 0:
                chars.append(keys[k])
            prev = k
        texts.append("".join(chars).strip())
    return texts


def edit_distance(a, b):
    d = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, d[0] = d[0], i
        for j, cb in enumerate(b, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (ca != cb))
    return d[-1]


def evaluate(probs, labels, keys):
    """probs [N,T,C], labels: N strings. Returns a dict (percentages, and the errors)."""
    if len(probs) != len(labels):
        raise ValueError(f"{len(probs)} outputs but {len(labels)} labels")
    preds = decode(probs, keys)
    correct = sum(p == t for p, t in zip(preds, labels))
    edits = sum(edit_distance(p, t) for p, t in zip(preds, labels))
    return {"words": len(labels), "correct": correct,
            "word_accuracy": 100.0 * correct / max(len(labels), 1),
            "cer": 100.0 * edits / max(sum(map(len, labels)), 1),
            "errors": [(t, p) for p, t in zip(preds, labels) if p != t]}


def describe(m):
    return (f"words={m['words']} correct={m['correct']} word_accuracy={m['word_accuracy']:.2f}% "
            f"CER={m['cer']:.2f}%")


def load_labels(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def main():
    args = sys.argv[1:]
    options = {"--ref": None, "--keys": DEFAULT_KEYS}
    for flag in options:
        if flag in args:
            i = args.index(flag)
            if i + 1 >= len(args):
                python_deps.fail(f"{flag} needs a file")
            options[flag] = args[i + 1]
            del args[i:i + 2]
    if len(args) != 2:
        python_deps.fail("usage: eval_ocr_rec.py PROBS.npy LABELS.txt [--keys KEYS.txt] "
                         "[--ref PROBS2.npy]")
    if not os.path.isfile(options["--keys"]):
        python_deps.fail(f"{options['--keys']} is missing; run tools/models/npm/fetch_models.py "
                         "(tools/setup.sh does) or pass --keys")
    probs, labels, keys = np.load(args[0]), load_labels(args[1]), load_keys(options["--keys"])
    try:
        m = evaluate(probs, labels, keys)
    except ValueError as e:
        python_deps.fail(str(e))
    print(describe(m))
    if m["errors"]:
        shown = ", ".join(f"{t!r}->{p!r}" for t, p in m["errors"][:SHOW_ERRORS])
        more = " ..." if len(m["errors"]) > SHOW_ERRORS else ""
        print(f"errors (truth->decoded): {shown}{more}")
    if options["--ref"]:
        other = np.load(options["--ref"])
        if other.shape != probs.shape:
            python_deps.fail(f"--ref shape {list(other.shape)} differs from {list(probs.shape)}")
        same = sum(a == b for a, b in zip(decode(probs, keys), decode(other, keys)))
        print(f"vs ref: max_abs_diff={float(np.abs(probs - other).max()):.3g} "
              f"text_agreement={100.0 * same / len(probs):.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
