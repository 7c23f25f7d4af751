"""The data root: MNIST, Fashion-MNIST and CIFAR-10 for the grader, true test labels kept apart.

`prepare` fills a data root once (from a local copy or a download); sandboxed
code reads `DataRoot.public` through torchvision, where the test labels are
placeholders (every class in turn);
the grader reads the true ones with `DataRoot.test_labels`.
"""

from .catalog import DATASETS, DataError, DatasetInfo
from .prepare import prepare
from .root import DataRoot, DatasetStatus, resolve_data_root

__all__ = [
    "DATASETS",
    "DataError",
    "DataRoot",
    "DatasetInfo",
    "DatasetStatus",
    "prepare",
    "resolve_data_root",
]
