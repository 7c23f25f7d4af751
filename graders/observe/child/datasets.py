"""Datasets inside the sandbox: torchvision reads the grader's data root, never the internet.

Every dataset of the grader's catalogue (MNIST, FashionMNIST, CIFAR10: the plan
names each one's torchvision class and folder) that a submission builds is
redirected to the data root the grader prepared (its test labels are
placeholders: the true ones never enter the sandbox), with downloads off. The
rebuilt CIFAR-10 copy has other md5 sums than the original, so CIFAR10's
integrity check accepts any complete copy there.
"""

from __future__ import annotations

import os
from typing import Any

from ...i18n import _


class DataUnavailable(RuntimeError):
    """A dataset the submission asked for is not in the grader's data root."""


def redirect(
    class_name: str, folder: str, arguments: dict[str, Any], root: str | None
) -> dict[str, Any]:
    """The constructor arguments with `root` pointing at the data root and downloads off;
    `folder` is where the dataset lies inside the root."""
    if root is None or not os.path.isdir(os.path.join(root, folder)):
        raise DataUnavailable(
            _(
                "{dataset} is not available while grading: it is not in the grader's data "
                "root (a TA prepares it with `grade data prepare`)"
            ).format(dataset=class_name)
        )
    return {**arguments, "root": root, "download": False}


def accept_rebuilt_cifar(torchvision: Any) -> None:
    """Let CIFAR10 read a complete rebuilt copy whose md5 sums differ from the original."""
    cifar = torchvision.datasets.CIFAR10

    def complete(self: Any) -> bool:
        folder = os.path.join(self.root, self.base_folder)
        names = [name for name, _ in self.train_list + self.test_list]
        return all(os.path.isfile(os.path.join(folder, name)) for name in names)

    cifar._check_integrity = complete


def test_set(class_name: str, root: str, transform: Any) -> Any:
    """The test split of a torchvision dataset class from the data root, with `transform`."""
    import torchvision

    cls = getattr(torchvision.datasets, class_name)
    return cls(root, train=False, transform=transform, download=False)
