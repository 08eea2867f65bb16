#!/usr/bin/python3
"""Writes Fashion-MNIST images as the .npy input of examples/fashion_mnist/fashion_cnn.onnx, with
their labels, for `kiln run` (and tools/models/accuracy.py after it).

    tools/models/fashion_mnist_to_npy.py --out build/fashion_mnist      # all 10,000 test images
    tools/models/fashion_mnist_to_npy.py --out build/calib --split train --count 256 --offset 1000
    tools/models/fashion_mnist_to_npy.py --out build/calib --split train --count 512 --per-file 1

Writes OUT/image.npy (float32 [N,1,28,28] = pixel / 255.0, as in training) and OUT/labels.npy
(int64 [N]), the images [offset, offset + count) of the split in file order. With --per-file K
it writes a calibration folder instead (`kiln opt --quantize int8 --calib OUT`): the images
only, K per file, OUT/image_00000.npy, OUT/image_00001.npy, ...
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python_deps import fail, require  # noqa: E402
from fashion_mnist import load_split, to_model_input  # noqa: E402

np = require("numpy")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="output folder (created if needed)")
    p.add_argument("--split", choices=("test", "train"), default="test")
    p.add_argument("--count", type=int, default=None, help="number of images (default: all)")
    p.add_argument("--offset", type=int, default=0, help="index of the first image")
    p.add_argument("--per-file", type=int, default=None,
                   help="write a calibration folder: K images per file, no labels")
    args = p.parse_args()

    images, labels = load_split(args.split)
    end = len(images) if args.count is None else args.offset + args.count
    if args.offset < 0 or (args.count is not None and args.count <= 0) or end > len(images):
        fail(f"--offset {args.offset} --count {args.count} is outside the {len(images)} "
             f"{args.split} images")
    x = to_model_input(images[args.offset:end])
    y = labels[args.offset:end]
    os.makedirs(args.out, exist_ok=True)
    if args.per_file is not None:
        if args.per_file <= 0:
            fail(f"--per-file {args.per_file}: expected at least 1")
        for i, start in enumerate(range(0, len(x), args.per_file)):
            np.save(os.path.join(args.out, f"image_{i:05d}.npy"), x[start:start + args.per_file])
        print(f"wrote {i + 1} files of up to {args.per_file} images to {args.out} "
              f"({args.split} images {args.offset}..{end - 1})")
        return
    np.save(os.path.join(args.out, "image.npy"), x)
    np.save(os.path.join(args.out, "labels.npy"), y)
    print(f"wrote {args.out}/image.npy float32 {list(x.shape)} and {args.out}/labels.npy "
          f"int64 [{len(y)}] ({args.split} images {args.offset}..{end - 1})")


if __name__ == "__main__":
    main()
