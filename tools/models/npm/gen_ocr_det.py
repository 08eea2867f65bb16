#!/usr/bin/python3
"""Generates an offline text-detection set for PP-OCRv4 det (build/npm-models/ppocr-v4): pages
of printed text lines, rendered here, with the ground-truth box of every line.

    tools/models/npm/gen_ocr_det.py --out DIR [--pages 16] [--size 320] [--seed 1]
                                   [--calib-out DIR --calib-pages 8 --calib-seed 1001] [--png 2]

Writes DIR/x.npy, float32 [N,3,S,S] (the model's input `x`, PaddleOCR's det preprocessing:
BGR, /255, ImageNet mean/std) and DIR/boxes.json (per page, a list of [x0, y0, x1, y1] line
boxes in pixels). With --calib-out, also a calibration folder for `kiln opt --calib`: one page
per file (NNN.npy, [3,S,S]) from --calib-seed, so no test page is seen in calibration.

A page: a light random background, 0-3 grey ellipses (distractors), then up to 4-10
non-overlapping lines of 1-4 words (taken from the licence texts in /usr/share/common-licenses)
in a DejaVu or Liberation font of 16-40 px in dark ink, plus Gaussian pixel noise (sigma 8). The
same --seed gives the same bytes on a machine with the same Debian fonts (fonts-dejavu-core,
fonts-liberation) and base-files: everything is drawn from generators seeded by (seed, page).
"""

import argparse
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import python_deps  # noqa: E402
from licence_text import WORDS_DIR, licence_text  # noqa: E402

np = python_deps.require("numpy")
Image = python_deps.require("PIL.Image")
ImageDraw = python_deps.require("PIL.ImageDraw")
ImageFont = python_deps.require("PIL.ImageFont")

# Pinned, not globbed: fonts-dejavu-extra would otherwise change the pages.
FONTS = [
    "/usr/share/fonts/truetype/dejavu/" + f
    for f in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf",
              "DejaVuSansMono-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf")
] + [
    "/usr/share/fonts/truetype/liberation/Liberation" + f
    for f in ("Sans-Regular.ttf", "Sans-Bold.ttf", "Sans-Italic.ttf", "Serif-Regular.ttf",
              "Serif-Bold.ttf", "Serif-Italic.ttf", "Mono-Regular.ttf", "Mono-Bold.ttf",
              "SansNarrow-Regular.ttf")
]
# PaddleOCR's det preprocessing (NormalizeImage on a BGR image from cv2.imread).
MEAN = np.array([0.485, 0.456, 0.406], np.float32)[:, None, None]
STD = np.array([0.229, 0.224, 0.225], np.float32)[:, None, None]
MARGIN = 12  # minimum gap between two lines' boxes, pixels


def load_words():
    words = re.findall(r"[A-Za-z0-9]{2,12}", licence_text())
    if len(words) < 1000:
        python_deps.fail(f"too few words in {WORDS_DIR} ({len(words)})")
    return words


def load_fonts():
    missing = [f for f in FONTS if not os.path.isfile(f)]
    if missing:
        python_deps.fail(f"font {missing[0]} is missing; install fonts-dejavu-core and "
                         "fonts-liberation (tools/setup.sh does)")
    return FONTS


def render_page(seed, index, size, words, fonts):
    """Returns (image HxWx3 float32 0..255 RGB, boxes)."""
    rng = random.Random(f"{seed}/{index}")
    S = size
    img = Image.new("RGB", (S, S), tuple(rng.randint(170, 255) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(0, 3)):
        x0, y0 = rng.randint(0, S - 60), rng.randint(0, S - 60)
        draw.ellipse([x0, y0, x0 + rng.randint(20, 120), y0 + rng.randint(20, 120)],
                     outline=tuple(rng.randint(100, 200) for _ in range(3)), width=3)
    boxes = []
    tries = 0
    while len(boxes) < rng.randint(4, 10) and tries < 200:
        tries += 1
        start = rng.randrange(len(words) - 4)
        line = " ".join(words[start:start + rng.randint(1, 4)])
        font = ImageFont.truetype(rng.choice(fonts), rng.randint(16, 40))
        left, top, right, bottom = font.getbbox(line)
        w, h = right - left, bottom - top
        if w > S - 20 or h > S - 20:
            continue
        x, y = rng.randint(10, S - w - 10), rng.randint(10, S - h - 10)
        box = [x, y, x + w, y + h]
        if any(not (box[2] + MARGIN < o[0] or o[2] + MARGIN < box[0] or
                    box[3] + MARGIN < o[1] or o[3] + MARGIN < box[1]) for o in boxes):
            continue
        draw.text((x - left, y - top), line, font=font,
                  fill=tuple(rng.randint(0, 90) for _ in range(3)))
        boxes.append(box)
    noise = np.random.default_rng([seed, index]).normal(0, 8, (S, S, 1))
    pixels = np.clip(np.asarray(img, np.float32) + noise, 0, 255).astype(np.float32)
    return pixels, boxes


def to_input(pixels):
    """HxWx3 RGB 0..255 -> [3,H,W] float32, BGR order, normalized like PaddleOCR."""
    bgr = pixels[:, :, ::-1].transpose(2, 0, 1) / 255.0
    return ((bgr - MEAN) / STD).astype(np.float32)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="test set folder: x.npy, boxes.json")
    p.add_argument("--pages", type=int, default=16)
    p.add_argument("--size", type=int, default=320, help="page side in pixels, a multiple of 32")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--calib-out", help="calibration folder: one [3,S,S] page per .npy")
    p.add_argument("--calib-pages", type=int, default=8)
    p.add_argument("--calib-seed", type=int, default=1001)
    p.add_argument("--png", type=int, default=0, help="also save the first N test pages as PNG")
    args = p.parse_args()
    if args.size % 32 or args.size < 128:
        python_deps.fail(f"--size {args.size}: must be a multiple of 32, at least 128")
    if args.calib_out and args.calib_seed == args.seed:
        python_deps.fail("--calib-seed must differ from --seed (calibration pages are not test pages)")
    words, fonts = load_words(), load_fonts()

    os.makedirs(args.out, exist_ok=True)
    x = np.zeros((args.pages, 3, args.size, args.size), np.float32)
    all_boxes = []
    for i in range(args.pages):
        pixels, boxes = render_page(args.seed, i, args.size, words, fonts)
        if i < args.png:
            Image.fromarray(pixels.astype(np.uint8)).save(os.path.join(args.out, f"page{i}.png"))
        x[i] = to_input(pixels)
        all_boxes.append(boxes)
    np.save(os.path.join(args.out, "x.npy"), x)
    with open(os.path.join(args.out, "boxes.json"), "w") as f:
        json.dump(all_boxes, f)
    print(f"gen_ocr_det: {args.pages} pages {args.size}x{args.size}, "
          f"{sum(map(len, all_boxes))} text lines -> {args.out}")

    if args.calib_out:
        os.makedirs(args.calib_out, exist_ok=True)
        for name in os.listdir(args.calib_out):
            if name.endswith(".npy"):
                os.remove(os.path.join(args.calib_out, name))
        for i in range(args.calib_pages):
            pixels, _ = render_page(args.calib_seed, i, args.size, words, fonts)
            np.save(os.path.join(args.calib_out, f"{i:03d}.npy"), to_input(pixels))
        print(f"gen_ocr_det: {args.calib_pages} calibration pages (seed {args.calib_seed}) -> "
              f"{args.calib_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
