"""The data root: datasets in torchvision's layouts for the sandbox, true test labels beside them.

ROOT/public/MNIST/raw/...            what the sandbox sees (test labels are placeholders)
ROOT/public/FashionMNIST/raw/...
ROOT/public/cifar-10-batches-py/...
ROOT/labels/<name>-test.npy          the true test labels (int64), never in public/
ROOT/dlgrade-data.json               the manifest: which datasets are prepared, from what
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .catalog import DATASETS, DataError, dataset
from .formats import PLACEHOLDERS

MANIFEST = "dlgrade-data.json"
NOT_PREPARED = "not prepared"
OUTDATED = "prepared by an older dlgrade (test-label placeholders all 0)"
FIX = (
    "run `grade data prepare --from DIR` (e.g. ../shared/datasets) "
    "or `grade data prepare` with internet"
)


def resolve_data_root(cli_value: str | Path | None = None) -> Path:
    """The data root: `cli_value` (--data-dir), else $GRADE_DATA_DIR, else the per-user cache."""
    if cli_value:
        chosen = Path(cli_value)
    elif os.environ.get("GRADE_DATA_DIR"):
        chosen = Path(os.environ["GRADE_DATA_DIR"])
    else:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
        chosen = Path(cache) / "dlgrade" / "data"
    return chosen.expanduser().absolute()


@dataclass(frozen=True)
class DatasetStatus:
    """One dataset in a data root: whether it is usable, where, from what, and its size in bytes."""

    name: str
    present: bool
    where: Path
    detail: str
    size: int


class DataRoot:
    """A data root folder (see the module docstring for its layout)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def public(self) -> Path:
        """The folder handed to the sandbox, in torchvision's on-disk layouts."""
        return self.path / "public"

    def folder(self, name: str) -> Path:
        """Dataset `name`'s folder inside public/."""
        return self.public / dataset(name).folder

    def labels_file(self, name: str) -> Path:
        """Where the true test labels of dataset `name` are kept."""
        return self.path / "labels" / f"{name}-test.npy"

    def manifest(self) -> dict[str, dict[str, Any]]:
        """The manifest's entries by dataset name (empty when missing or unreadable)."""
        try:
            data = json.loads((self.path / MANIFEST).read_text())
        except (OSError, ValueError):
            return {}
        entries = data.get("datasets") if isinstance(data, dict) else None
        return entries if isinstance(entries, dict) else {}

    def set_entry(self, name: str, entry: dict[str, Any] | None) -> None:
        """Record (or, with None, forget) dataset `name` in the manifest, atomically."""
        entries = self.manifest()
        if entry is None:
            entries.pop(name, None)
        else:
            entries[name] = entry
        self.path.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"format": 1, "datasets": entries}, indent=2, sort_keys=True) + "\n"
        fd, temp = tempfile.mkstemp(dir=self.path, prefix=f".{MANIFEST}.")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(temp, self.path / MANIFEST)

    def _missing(self, name: str) -> str | None:
        """Why dataset `name` is not usable, or None when it is."""
        info = dataset(name)
        entry = self.manifest().get(name)
        if entry is None:
            return NOT_PREPARED
        if entry.get("placeholders") != PLACEHOLDERS:
            return OUTDATED
        folder = self.folder(name)
        for path in [*(folder / f for f in info.files), self.labels_file(name)]:
            if not path.is_file():
                return f"incomplete: {path} is missing"
        return None

    def available(self, name: str) -> bool:
        """Whether dataset `name` is prepared: in the manifest and all its files present."""
        return self._missing(name) is None

    def require(self, name: str) -> None:
        """Raise a one-line DataError with the fix when dataset `name` is not available."""
        missing = self._missing(name)
        title = dataset(name).title
        if missing == OUTDATED:
            raise DataError(
                f"{title} in the data root {self.path} was {OUTDATED}; "
                f"run `grade data prepare --from DIR` again"
            )
        if missing is not None:
            where = "is not in" if missing == NOT_PREPARED else "is incomplete in"
            raise DataError(f"{title} {where} the data root {self.path}: {FIX}")

    def test_labels(self, name: str) -> np.ndarray:
        """The true test labels of dataset `name` (int64), kept outside public/."""
        self.require(name)
        return np.load(self.labels_file(name)).astype(np.int64, copy=False)

    def status(self) -> list[DatasetStatus]:
        """Every known dataset: present or not, its folder, where it came from, bytes on disk."""
        entries = self.manifest()
        return [self._status(name, entries.get(name, {})) for name in DATASETS]

    def _status(self, name: str, entry: dict[str, Any]) -> DatasetStatus:
        """The status of one dataset given its manifest entry."""
        missing = self._missing(name)
        folder = self.folder(name)
        if missing is not None:
            return DatasetStatus(name, False, folder, missing, 0)
        detail = (
            f"{entry.get('source', 'unknown source')}, prepared {entry.get('prepared_at', '?')}"
        )
        size = _size(folder) + self.labels_file(name).stat().st_size
        return DatasetStatus(name, True, folder, detail, size)


def _size(folder: Path) -> int:
    """Total bytes of the files under `folder`."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
