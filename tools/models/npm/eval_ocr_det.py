#!/usr/bin/python3
"""Text-detection hmean of PP-OCR det probability maps against gen_ocr_det.py's boxes.

    tools/models/npm/eval_ocr_det.py PROBS.npy BOXES.json [--ref PROBS2.npy]
    from eval_ocr_det import evaluate;  evaluate(probs, boxes) -> {"hmean": 95.9, ...}

PROBS is the model's output `sigmoid_0.tmp_0`, [N,1,H,W]. Post-processing is DBNet's, simplified
to axis-aligned boxes: connected regions of p > 0.3, dropped when smaller than 3 px or when
their mean probability is below 0.6, each grown by DB's unclip distance (area * 1.5 /
perimeter). Matching is ICDAR-style: one-to-one, IoU >= 0.5. Precision = matched / detected,
recall = matched / ground truth, hmean = their harmonic mean, all in percent. With --ref, also
the largest difference to another run's maps and the agreement of the p > 0.3 masks.
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import python_deps  # noqa: E402

np = python_deps.require("numpy")
ndimage = python_deps.require("scipy.ndimage")

THRESH, BOX_THRESH, UNCLIP, MIN_IOU = 0.3, 0.6, 1.5, 0.5


def detect(prob):
    """Boxes [x0, y0, x1, y1] of one [H,W] probability map."""
    labels, _ = ndimage.label(prob > THRESH)
    boxes = []
    for k, region in enumerate(ndimage.find_objects(labels), 1):
        ys, xs = region
        h, w = ys.stop - ys.start, xs.stop - xs.start
        if min(h, w) < 3 or prob[region][labels[region] == k].mean() < BOX_THRESH:
            continue
        d = w * h * UNCLIP / (2 * (w + h))
        boxes.append([xs.start - d, ys.start - d, xs.stop + d, ys.stop + d])
    return boxes


def iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def evaluate(probs, gt_boxes):
    """probs [N,1,H,W] or [N,H,W]; gt_boxes: per page a list of boxes. Returns a dict."""
    probs = np.asarray(probs)
    if probs.ndim == 4:
        probs = probs[:, 0]
    if len(probs) != len(gt_boxes):
        raise ValueError(f"{len(probs)} probability maps but {len(gt_boxes)} pages of boxes")
    matched = detected = truth = 0
    for prob, page in zip(probs, gt_boxes):
        found = detect(prob)
        detected += len(found)
        truth += len(page)
        used = set()
        for gt in page:
            best = max(((iou(gt, d), j) for j, d in enumerate(found) if j not in used),
                       default=(0.0, -1))
            if best[0] >= MIN_IOU:
                matched += 1
                used.add(best[1])
    precision = 100.0 * matched / max(detected, 1)
    recall = 100.0 * matched / max(truth, 1)
    hmean = 2 * precision * recall / max(precision + recall, 1e-9)
    return {"pages": len(gt_boxes), "gt_lines": truth, "detections": detected,
            "matched": matched, "precision": precision, "recall": recall, "hmean": hmean}


def describe(m):
    return (f"pages={m['pages']} gt_lines={m['gt_lines']} detections={m['detections']} "
            f"precision={m['precision']:.2f}% recall={m['recall']:.2f}% hmean={m['hmean']:.2f}%")


def main():
    args = sys.argv[1:]
    ref = None
    if "--ref" in args:
        i = args.index("--ref")
        if i + 1 >= len(args):
            python_deps.fail("--ref needs a file")
        ref = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        python_deps.fail("usage: eval_ocr_det.py PROBS.npy BOXES.json [--ref PROBS2.npy]")
    probs = np.load(args[0])
    with open(args[1]) as f:
        boxes = json.load(f)
    print(describe(evaluate(probs, boxes)))
    if ref:
        other = np.load(ref)
        diff = float(np.abs(probs - other).max())
        agree = 100.0 * float(((probs > THRESH) == (other > THRESH)).mean())
        print(f"vs ref: max_abs_diff={diff:.3g} mask_agreement={agree:.3f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
