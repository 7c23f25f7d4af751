"""`grade data prepare`: put datasets into a data root with their true test labels kept apart.

Each dataset is built in a staging folder under the root (copied, rebuilt or
downloaded; then its test labels are moved to labels/ and replaced in the
torchvision files by placeholders) and only then renamed into public/. The manifest
entry is dropped before the swap and written after it, so an interrupted
prepare never leaves a dataset that `DataRoot.available` reports as present;
a failed re-prepare leaves the previous copy in place.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .catalog import DATASETS, DataError, DatasetInfo, dataset
from .formats import PLACEHOLDERS, hide_test_labels
from .root import DataRoot
from .sources import fetch, lacking

STAGING = ".staging"
LOCK = ".prepare.lock"


def prepare(
    root: DataRoot,
    source: Path | None,
    names: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[str]:
    """Prepare datasets `names` (None or empty: all) in `root` and return their names.

    `source` is a local copy laid out like ../shared/datasets (or a torchvision
    root); None downloads with torchvision. Preparing again replaces a dataset.
    Raises DataError (one line) when the source lacks a dataset or a step fails.
    """
    say = progress or (lambda message: None)
    infos = [dataset(name) for name in (names or DATASETS)]
    source = None if source is None else Path(source).resolve()
    if source is not None:
        _check_source(source, infos)
    with _staging_area(root) as area:
        for info in infos:
            _prepare_one(root, info, source, area, say)
    return [info.name for info in infos]


def _check_source(source: Path, infos: list[DatasetInfo]) -> None:
    """Raise a DataError naming every requested dataset the local copy `source` lacks."""
    if not source.is_dir():
        raise DataError(f"{source} is not a folder: pass a local copy like ../shared/datasets")
    gaps = [(info.name, lacking(info, source)) for info in infos]
    missing = [gap for _, gap in gaps if gap]
    if not missing:
        return
    found = [name for name, gap in gaps if not gap]
    hint = (
        f"prepare the others with --only {' '.join(found)}"
        if found
        else "pass a folder laid out like ../shared/datasets"
    )
    raise DataError(f"{source} has no {'; '.join(missing)}: {hint}")


@contextmanager
def _staging_area(root: DataRoot) -> Iterator[Path]:
    """Hold the root's prepare lock and yield a fresh staging folder, removed afterwards.

    The lock keeps two prepares from racing; holding it, leftovers of an
    interrupted run are safe to delete.
    """
    root.path.mkdir(parents=True, exist_ok=True)
    area = root.path / STAGING
    with open(root.path / LOCK, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataError(
                f"another `grade data prepare` is running on {root.path}: wait for it to finish"
            ) from None
        shutil.rmtree(area, ignore_errors=True)
        area.mkdir()
        try:
            yield area
        finally:
            shutil.rmtree(area, ignore_errors=True)


def _prepare_one(
    root: DataRoot, info: DatasetInfo, source: Path | None, area: Path, say: Callable[[str], None]
) -> None:
    """Build one dataset in its own staging folder, hide its test labels, swap it into place."""
    staging = Path(tempfile.mkdtemp(prefix=f"{info.name}-", dir=area))
    try:
        origin = fetch(info, source, staging, say)
        staged = staging / info.folder
        absent = [name for name in info.files if not (staged / name).is_file()]
        if absent:
            raise DataError(f"{info.title} from {origin} lacks {', '.join(absent)}")
        say(f"{info.title}: moving the true test labels out of public/")
        try:
            labels = hide_test_labels(info, staged)
        except DataError as exc:
            raise DataError(f"{info.title} from {origin}: {exc}") from None
        _install(root, info, staged, labels, origin, staging)
        say(f"{info.title}: ready in {root.folder(info.name)}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _install(
    root: DataRoot,
    info: DatasetInfo,
    staged: Path,
    labels: np.ndarray,
    origin: str,
    staging: Path,
) -> None:
    """Move a staged dataset and its true test labels into the root, then record it."""
    root.set_entry(info.name, None)
    labels_file = root.labels_file(info.name)
    labels_file.parent.mkdir(parents=True, exist_ok=True)
    with open(staging / "labels.npy", "wb") as f:
        np.save(f, labels.astype(np.int64))
    os.replace(staging / "labels.npy", labels_file)
    target = root.folder(info.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.rename(staging / "previous")
    staged.rename(target)
    root.set_entry(
        info.name,
        {
            "prepared_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "source": origin,
            "test_size": int(labels.size),
            "test_labels": f"placeholders in public/; true ones in "
            f"{labels_file.relative_to(root.path)}",
            "placeholders": PLACEHOLDERS,
        },
    )
