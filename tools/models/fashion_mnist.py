"""Reads Fashion-MNIST from the Debian package dataset-fashion-mnist (idx files, gzip) and turns
its images into the model's input: float32 [N,1,28,28], pixel / 255.0 (no mean/std: the
BatchNorm after the model's first convolution absorbs any input scale and shift).

    from fashion_mnist import load_split, to_model_input
    images, labels = load_split("test")          # uint8 [10000,28,28], int64 [10000]
    x = to_model_input(images)                   # float32 [10000,1,28,28] in [0, 1]
"""

import gzip
import os

from python_deps import fail, require

np = require("numpy")

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
               "Bag", "Ankle boot")
_FILE_PREFIX = {"train": "train", "test": "t10k"}
_IDX_UBYTE = 0x08  # idx element type code for unsigned bytes


def dataset_dir():
    """The folder holding the idx files: $KILN_FASHION_MNIST_DIR or the Debian package's."""
    return os.environ.get("KILN_FASHION_MNIST_DIR", DEFAULT_DIR)


def read_idx(path):
    """Parses one gzip'd idx file of unsigned bytes into a uint8 array of its stated shape."""
    if not os.path.exists(path):
        fail(f"{path} not found; install the Debian package dataset-fashion-mnist "
             f"(tools/setup.sh does) or set KILN_FASHION_MNIST_DIR")
    with gzip.open(path, "rb") as f:
        data = f.read()
    # Header: two zero bytes, the element type, the rank, then one big-endian u32 per dimension.
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != _IDX_UBYTE:
        fail(f"{path}: not an idx file of unsigned bytes")
    rank = data[3]
    dims = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank))
    offset = 4 + 4 * rank
    count = int(np.prod(dims)) if dims else 0
    if len(data) - offset != count:
        fail(f"{path}: header says {dims} ({count} bytes) but {len(data) - offset} follow")
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(dims)


def load_split(split):
    """Returns (images uint8 [N,28,28], labels int64 [N]) of "train" (60k) or "test" (10k)."""
    prefix = _FILE_PREFIX[split]
    folder = dataset_dir()
    images = read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz")).astype(np.int64)
    if images.ndim != 3 or images.shape[1:] != (28, 28) or labels.shape != images.shape[:1]:
        fail(f"{folder}: unexpected shapes images {images.shape}, labels {labels.shape}")
    return images, labels


def to_model_input(images):
    """uint8 [N,28,28] -> float32 [N,1,28,28] = pixel / 255.0, the model's input "image"."""
    return (images.astype(np.float32) / np.float32(255.0))[:, None, :, :]
