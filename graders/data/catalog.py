"""The datasets the grader knows, where they live in a data root, and the error it raises."""

from __future__ import annotations

from dataclasses import dataclass

IDX_FILES = (
    "raw/train-images-idx3-ubyte",
    "raw/train-labels-idx1-ubyte",
    "raw/t10k-images-idx3-ubyte",
    "raw/t10k-labels-idx1-ubyte",
)
CIFAR_TRAIN = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR_FILES = (*CIFAR_TRAIN, "test_batch", "batches.meta")


class DataError(Exception):
    """A dataset is missing or cannot be prepared; the message is one line with the fix."""


@dataclass(frozen=True)
class DatasetInfo:
    """One dataset: its torchvision class, classes, shapes and on-disk layout.

    `folder` is the dataset's folder in torchvision's layout, relative to the data
    root's public folder (a unit that is replaced as a whole), and `files` are the
    files inside it that torchvision reads. `layout` is "idx" (MNIST-style files)
    or "cifar" (python pickle batches). Sizes are those of the real dataset.
    """

    name: str
    title: str
    torchvision_class: str
    classes: list[str]
    image_shape: list[int]
    train_size: int
    test_size: int
    layout: str
    folder: str
    files: tuple[str, ...]

    @property
    def num_classes(self) -> int:
        """How many classes (labels are 0 .. num_classes - 1)."""
        return len(self.classes)


DATASETS: dict[str, DatasetInfo] = {
    "mnist": DatasetInfo(
        name="mnist",
        title="MNIST",
        torchvision_class="MNIST",
        classes=[
            "0 - zero",
            "1 - one",
            "2 - two",
            "3 - three",
            "4 - four",
            "5 - five",
            "6 - six",
            "7 - seven",
            "8 - eight",
            "9 - nine",
        ],  # fmt: skip
        image_shape=[1, 28, 28],
        train_size=60000,
        test_size=10000,
        layout="idx",
        folder="MNIST",
        files=IDX_FILES,
    ),
    "fashion-mnist": DatasetInfo(
        name="fashion-mnist",
        title="Fashion-MNIST",
        torchvision_class="FashionMNIST",
        classes=[
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ],  # fmt: skip
        image_shape=[1, 28, 28],
        train_size=60000,
        test_size=10000,
        layout="idx",
        folder="FashionMNIST",
        files=IDX_FILES,
    ),
    "cifar10": DatasetInfo(
        name="cifar10",
        title="CIFAR-10",
        torchvision_class="CIFAR10",
        classes=[
            "airplane",
            "automobile",
            "bird",
            "cat",
            "deer",
            "dog",
            "frog",
            "horse",
            "ship",
            "truck",
        ],  # fmt: skip
        image_shape=[3, 32, 32],
        train_size=50000,
        test_size=10000,
        layout="cifar",
        folder="cifar-10-batches-py",
        files=CIFAR_FILES,
    ),
}


def dataset(name: str) -> DatasetInfo:
    """The dataset called `name`, or a DataError listing the known names."""
    try:
        return DATASETS[name]
    except KeyError:
        raise DataError(f"unknown dataset {name!r}: choose from {', '.join(DATASETS)}") from None
