#!/usr/bin/python3
"""Generates an offline word-recognition set for PP-OCRv4 rec (build/npm-models/ppocr-v4): one
printed word per image, rendered here, with its text.

    tools/models/npm/gen_ocr_rec.py --out DIR [--words 300] [--seed 0] [--noise 40]
                                   [--calib-out DIR --calib-words 32 --calib-seed 1000] [--png 5]

Writes DIR/x.npy, float32 [N,3,48,320] (the model's input `x`, PaddleOCR's rec preprocessing
`resize_norm_img`: height 48 with the aspect kept, width <= 320, bilinear, (x/255 - 0.5)/0.5,
RGB, CHW, right-padded with 0) and DIR/labels.txt (one word a line, no spaces). With
--calib-out, also a calibration folder for `kiln opt --calib`: one word per file (NNN.npy,
[3,48,320]) from --calib-seed, so no test word is seen in calibration.

A word: 75% a word of the licence texts in /usr/share/common-licenses (15% of them upper-case,
17% capitalised), 15% a number below 10^6, 10% a code of 4-8 capitals and digits. It is drawn in
one of gen_ocr_det.py's DejaVu/Liberation fonts at 24-40 px, dark grey on light grey, with a
2-8 px margin; --noise SIGMA adds Gaussian pixel noise (0-255 scale) before the resize. The
same --seed gives the same bytes on a machine with the same Debian fonts and base-files:
everything is drawn from generators seeded by (seed, word).
"""

import argparse
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

from gen_ocr_det import load_fonts  # noqa: E402  (same pinned fonts)

HEIGHT, WIDTH = 48, 320  # PaddleOCR's rec_image_shape 3,48,320
CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def load_vocabulary():
    """Sorted distinct words of 3-12 letters from the licence texts."""
    vocab = sorted(set(re.findall(r"[A-Za-z]{3,12}", licence_text())))
    if len(vocab) < 1000:
        python_deps.fail(f"too few distinct words in {WORDS_DIR} ({len(vocab)})")
    return vocab


def draw_text(rng, vocab):
    r = rng.random()
    if r < 0.75:
        word = rng.choice(vocab)
        if rng.random() < 0.15:
            return word.upper()
        return word.capitalize() if rng.random() < 0.2 else word
    if r < 0.9:
        return str(rng.randint(0, 999999))
    return "".join(rng.choice(CODE_CHARS) for _ in range(rng.randint(4, 8)))


def render_word(seed, index, noise, vocab, fonts):
    """Returns (image HxWx3 uint8 RGB at its own size, text)."""
    rng = random.Random(f"{seed}/{index}")
    text = draw_text(rng, vocab)
    font = ImageFont.truetype(rng.choice(fonts), rng.randint(24, 40))
    left, top, right, bottom = font.getbbox(text)
    pad = rng.randint(2, 8)
    ink, paper = rng.randint(0, 80), rng.randint(180, 255)
    img = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), paper)
    ImageDraw.Draw(img).text((pad - left, pad - top), text, font=font, fill=ink)
    pixels = np.asarray(img.convert("RGB"), np.float32)
    if noise > 0:
        noise_rng = np.random.default_rng([seed, index])
        pixels = pixels + noise_rng.normal(0, noise, pixels.shape[:2] + (1,))
    return np.clip(pixels, 0, 255).astype(np.uint8), text


def to_input(pixels):
    """HxWx3 uint8 RGB -> [3,48,320] float32, resized and normalized like PaddleOCR's rec."""
    h, w = pixels.shape[:2]
    width = min(WIDTH, max(1, int(np.ceil(HEIGHT * w / h))))
    resized = Image.fromarray(pixels).resize((width, HEIGHT), Image.BILINEAR)
    x = np.zeros((3, HEIGHT, WIDTH), np.float32)
    x[:, :, :width] = (np.asarray(resized, np.float32).transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
    return x


def write_calibration(args, vocab, fonts):
    os.makedirs(args.calib_out, exist_ok=True)
    for name in os.listdir(args.calib_out):
        if name.endswith(".npy"):
            os.remove(os.path.join(args.calib_out, name))
    for i in range(args.calib_words):
        pixels, _ = render_word(args.calib_seed, i, args.noise, vocab, fonts)
        np.save(os.path.join(args.calib_out, f"{i:03d}.npy"), to_input(pixels))
    print(f"gen_ocr_rec: {args.calib_words} calibration words (seed {args.calib_seed}) -> "
          f"{args.calib_out}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="test set folder: x.npy, labels.txt")
    p.add_argument("--words", type=int, default=300)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--noise", type=float, default=0.0, metavar="SIGMA",
                   help="Gaussian pixel noise, 0-255 scale (0: clean)")
    p.add_argument("--calib-out", help="calibration folder: one [3,48,320] word per .npy")
    p.add_argument("--calib-words", type=int, default=32)
    p.add_argument("--calib-seed", type=int, default=1000)
    p.add_argument("--png", type=int, default=0, help="also save the first N test words as PNG")
    args = p.parse_args()
    if args.words < 1 or args.noise < 0:
        python_deps.fail("--words must be positive and --noise not negative")
    if args.calib_out and args.calib_seed == args.seed:
        python_deps.fail("--calib-seed must differ from --seed "
                         "(calibration words are not test words)")
    vocab, fonts = load_vocabulary(), load_fonts()

    os.makedirs(args.out, exist_ok=True)
    x = np.zeros((args.words, 3, HEIGHT, WIDTH), np.float32)
    labels = []
    for i in range(args.words):
        pixels, text = render_word(args.seed, i, args.noise, vocab, fonts)
        if i < args.png:
            Image.fromarray(pixels).save(os.path.join(args.out, f"word{i}.png"))
        x[i] = to_input(pixels)
        labels.append(text)
    np.save(os.path.join(args.out, "x.npy"), x)
    with open(os.path.join(args.out, "labels.txt"), "w") as f:
        f.write("\n".join(labels) + "\n")
    print(f"gen_ocr_rec: {args.words} words (noise {args.noise:g}, vocabulary {len(vocab)}, "
          f"{len(fonts)} fonts) -> {args.out}")

    if args.calib_out:
        write_calibration(args, vocab, fonts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
