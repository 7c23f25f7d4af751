"""Small synthetic MNIST, Fashion-MNIST and CIFAR-10 in the real on-disk formats.

`write_source(folder)` lays them out like ../shared/datasets (gzip'd idx files,
CIFAR-10 python batches), so `grade data prepare --from folder` accepts it.
Every class is a fixed pattern (a blob or a bar at a class-specific place, a
class colour for CIFAR-10) with per-image noise and shifts of a pixel or two:
a linear model learns it to high accuracy in a few epochs, chance is 10%.
This module writes the files itself, independently of graders.data.
"""

from __future__ import annotations

import gzip
import pickle
from pathlib import Path

import numpy as np

NUM_CLASSES = 10
# The original CIFAR-10 batches.meta, byte for byte: torchvision checks its md5.
CIFAR_META = bytes.fromhex(
    "80027d71012855136e756d5f63617365735f7065725f626174636871024d1027550b6c6162656c5f"
    "6e616d657371035d7104285508616972706c616e657105550a6175746f6d6f62696c657106550462"
    "69726471075503636174710855046465657271095503646f67710a550466726f67710b5505686f72"
    "7365710c550473686970710d5505747275636b710e6555076e756d5f766973710f4d000c752e"
)
CIFAR_CLASSES = pickle.loads(CIFAR_META, encoding="latin1")["label_names"]
CIFAR_COLOURS = np.array(
    [
        [230, 40, 40], [40, 200, 40], [40, 80, 230], [230, 230, 40], [230, 40, 230],
        [40, 230, 230], [250, 140, 20], [140, 40, 200], [250, 250, 250], [120, 80, 40],
    ],
    dtype=np.float32,
)  # fmt: skip


def write_source(folder: Path, n_train: int = 600, n_test: int = 200, seed: int = 0) -> Path:
    """Write the three synthetic datasets under `folder` (created if needed) and return it."""
    folder = Path(folder)
    rng = np.random.default_rng(seed)
    for class_folder, templates in [("MNIST", _blobs(28)), ("FashionMNIST", _bars(28))]:
        raw = folder / class_folder / "raw"
        raw.mkdir(parents=True, exist_ok=True)
        for split, n in [("train", n_train), ("t10k", n_test)]:
            labels = _labels(n, rng)
            images = _render(templates, labels, rng, max_shift=1)[..., 0]
            _write_idx(raw / f"{split}-images-idx3-ubyte.gz", 2051, images)
            _write_idx(raw / f"{split}-labels-idx1-ubyte.gz", 2049, labels.astype(np.uint8))
    _write_cifar(folder / "cifar-10-batches-py", n_train, n_test, rng)
    return folder


def true_test_labels(folder: Path, name: str) -> np.ndarray:
    """The test labels (int64) of dataset `name` (a key of DATASETS) in a source."""
    return source_labels(folder, name, train=False)


def source_labels(folder: Path, name: str, train: bool) -> np.ndarray:
    """The training or test labels (int64) of dataset `name` as written in a source."""
    if name == "cifar10":
        batches = [f"data_batch_{i}" for i in range(1, 6)] if train else ["test_batch"]
        labels = []
        for batch in batches:
            with open(Path(folder) / "cifar-10-batches-py" / batch, "rb") as f:
                labels += pickle.load(f, encoding="latin1")["labels"]
        return np.asarray(labels, dtype=np.int64)
    class_folder = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}[name]
    path = (
        Path(folder) / class_folder / "raw" / f"{'train' if train else 't10k'}-labels-idx1-ubyte.gz"
    )
    return np.frombuffer(gzip.decompress(path.read_bytes()), np.uint8, offset=8).astype(np.int64)


def _labels(n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` labels, every class equally often (up to one), in random order."""
    return rng.permutation(np.arange(n) % NUM_CLASSES)


def _blobs(size: int) -> np.ndarray:
    """Templates (class, H, W, 1) in 0..1: a square blob on a 5 x 2 grid of class positions."""
    templates = np.zeros((NUM_CLASSES, size, size, 1), dtype=np.float32)
    side = size // 7
    for c in range(NUM_CLASSES):
        row, col = divmod(c, 5)
        y = round((row + 0.5) * size / 2) - side // 2
        x = round((col + 0.5) * size / 5) - side // 2
        templates[c, y : y + side, x : x + side] = 1.0
    return templates


def _stripes(size: int) -> np.ndarray:
    """Templates (class, H, W, 1) in 0..1: a wide band across the image, higher for higher
    classes. A horizontal flip leaves it as it is, and a crop of a few pixels keeps most of it,
    so augmented training still learns (the class colour tells classes apart as well)."""
    templates = np.zeros((NUM_CLASSES, size, size, 1), dtype=np.float32)
    for c in range(NUM_CLASSES):
        templates[c, 2 + 2 * c : 10 + 2 * c, :] = 1.0
    return templates


def _bars(size: int) -> np.ndarray:
    """Templates (class, H, W, 1) in 0..1: classes 0-4 horizontal bars, 5-9 vertical bars."""
    templates = np.zeros((NUM_CLASSES, size, size, 1), dtype=np.float32)
    for c in range(NUM_CLASSES):
        start = 2 + 5 * (c % 5)
        if c < 5:
            templates[c, start : start + 3, 4:-4] = 1.0
        else:
            templates[c, 4:-4, start : start + 3] = 1.0
    return templates


def _render(
    templates: np.ndarray, labels: np.ndarray, rng: np.random.Generator, max_shift: int
) -> np.ndarray:
    """Images (N, H, W, C) uint8: each label's template, shifted, scaled to 0..255, plus noise."""
    shifts = rng.integers(-max_shift, max_shift + 1, size=(len(labels), 2))
    images = np.stack(
        [np.roll(templates[y], tuple(s), axis=(0, 1)) for y, s in zip(labels, shifts)]
    )
    images = images * 190 + 30 + rng.normal(0, 20, images.shape)
    return np.clip(images, 0, 255).astype(np.uint8)


def _write_idx(path: Path, magic: int, array: np.ndarray) -> None:
    """Write a gzip'd idx file: big-endian magic and dimensions, then the bytes."""
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    path.write_bytes(gzip.compress(header + array.tobytes(), compresslevel=1, mtime=0))


def _write_cifar(folder: Path, n_train: int, n_test: int, rng: np.random.Generator) -> None:
    """Write cifar-10-batches-py: five training batches, test_batch and batches.meta."""
    folder.mkdir(parents=True, exist_ok=True)
    templates = _stripes(32) * (CIFAR_COLOURS[:, None, None, :] / 255)
    train, test = _labels(n_train, rng), _labels(n_test, rng)
    for i, part in enumerate(np.array_split(np.arange(n_train), 5), start=1):
        title = f"training batch {i} of 5"
        _write_batch(folder / f"data_batch_{i}", title, templates, train[part], rng)
    _write_batch(folder / "test_batch", "testing batch 1 of 1", templates, test, rng)
    (folder / "batches.meta").write_bytes(CIFAR_META)


def _write_batch(
    path: Path, title: str, templates: np.ndarray, labels: np.ndarray, rng: np.random.Generator
) -> None:
    """One CIFAR-10 batch: rows of 3072 bytes (R plane, G plane, B plane) and int labels.

    File names name the class, as some in the original CIFAR-10 do.
    """
    images = _render(templates, labels, rng, max_shift=1)
    batch = {
        "batch_label": title,
        "labels": [int(y) for y in labels],
        "data": images.transpose(0, 3, 1, 2).reshape(len(labels), 3072),
        "filenames": [f"{CIFAR_CLASSES[y]}_s_{i:06d}.png" for i, y in enumerate(labels)],
    }
    with open(path, "wb") as f:
        pickle.dump(batch, f, protocol=2)
