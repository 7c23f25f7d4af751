"""Reading true test labels out of torchvision's file formats and writing placeholders back.

MNIST-style idx files: a big-endian header (magic, then one count per dimension)
followed by the raw bytes. CIFAR-10 python batches: pickled dicts with "data"
(N x 3072 uint8) and "labels" (N ints).
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np

from .catalog import DataError, DatasetInfo

IDX_LABELS_MAGIC = 2049  # unsigned bytes, one dimension
IDX_IMAGES_MAGIC = 2051  # unsigned bytes, three dimensions


def idx_header(path: Path, magic: int) -> list[int]:
    """The dimensions in the header of idx file `path`, checking its magic number."""
    with open(path, "rb") as f:
        header = f.read(4)
        if len(header) < 4 or int.from_bytes(header, "big") != magic:
            raise DataError(f"{path.name} is not an idx file of the expected kind")
        dims = magic & 0xFF
        raw = f.read(4 * dims)
    if len(raw) < 4 * dims:
        raise DataError(f"{path.name} has a truncated idx header")
    return [int.from_bytes(raw[4 * i : 4 * i + 4], "big") for i in range(dims)]


def read_idx_labels(path: Path) -> np.ndarray:
    """The labels in idx1 file `path`, as int64."""
    (count,) = idx_header(path, IDX_LABELS_MAGIC)
    labels = np.fromfile(path, dtype=np.uint8, offset=8)
    if labels.size != count:
        raise DataError(f"{path.name} says {count} labels but holds {labels.size}")
    return labels.astype(np.int64)


def write_idx_labels(path: Path, labels: np.ndarray) -> None:
    """Write `labels` (values 0..255) as an idx1 file."""
    header = IDX_LABELS_MAGIC.to_bytes(4, "big") + len(labels).to_bytes(4, "big")
    path.write_bytes(header + np.asarray(labels, dtype=np.uint8).tobytes())


def read_cifar_batch(path: Path) -> dict[str, Any]:
    """One CIFAR-10 batch file, read the way torchvision reads it."""
    with open(path, "rb") as f:
        return pickle.load(f, encoding="latin1")


def write_cifar_batch(path: Path, batch: dict[str, Any]) -> None:
    """Write one CIFAR-10 batch file with pickle protocol 4.

    Protocol 4 stores the image array as raw bytes: protocol 2 (which the JPEG
    copy's build script uses) makes files 1.5 times as large and about 40 times
    as slow to load, a cost every sandboxed run that reads CIFAR-10 would pay.
    """
    with open(path, "wb") as f:
        pickle.dump(batch, f, protocol=4)


# How the placeholder test labels in public/ are made, recorded in the manifest: a data
# root without it was prepared by an older dlgrade whose placeholders were all 0, so that a
# per-class accuracy loop (`class_correct[i] / class_total[i]`) divided by zero.
PLACEHOLDERS = "index modulo the number of classes"


def placeholder_labels(count: int, num_classes: int) -> np.ndarray:
    """The placeholder test labels (int64): every class in turn, meaningless, never graded."""
    return np.arange(count, dtype=np.int64) % num_classes


def hide_test_labels(info: DatasetInfo, folder: Path) -> np.ndarray:
    """Replace the test labels in `folder` by placeholders, returning the true ones (int64).

    `folder` is the dataset's folder in torchvision's layout. The placeholder file
    keeps the format and length of the original, so torchvision still reads it.
    CIFAR-10 test file names are replaced too: the original ones name the object.
    Raises DataError (naming the file, not the staging folder) on malformed data.
    """
    if info.layout == "idx":
        labels_file = folder / "raw" / "t10k-labels-idx1-ubyte"
        labels = read_idx_labels(labels_file)
        images = idx_header(folder / "raw" / "t10k-images-idx3-ubyte", IDX_IMAGES_MAGIC)[0]
        _check_test_labels(info, labels, images)
        write_idx_labels(labels_file, placeholder_labels(labels.size, info.num_classes))
        return labels
    batch_file = folder / "test_batch"
    batch = read_cifar_batch(batch_file)
    labels = np.asarray(batch["labels"], dtype=np.int64)
    _check_test_labels(info, labels, len(batch["data"]))
    neutral = [f"{i:05d}.png" for i in range(len(labels))]  # original names hint at the class
    placeholders = placeholder_labels(labels.size, info.num_classes).tolist()
    write_cifar_batch(batch_file, {**batch, "labels": placeholders, "filenames": neutral})
    return labels


def _check_test_labels(info: DatasetInfo, labels: np.ndarray, images: int) -> None:
    """Refuse test labels that do not match the images, are out of range, or are placeholders."""
    if labels.size != images:
        raise DataError(f"{labels.size} test labels for {images} test images")
    if labels.size and (labels.min() < 0 or labels.max() >= info.num_classes):
        raise DataError(f"test labels outside 0..{info.num_classes - 1}")
    if np.unique(labels).size < 2 or np.array_equal(
        labels, placeholder_labels(labels.size, info.num_classes)
    ):
        raise DataError(
            "the test labels are a data root's placeholders (all the same, or every class "
            "in turn): "
            "prepare from the original files"
        )
