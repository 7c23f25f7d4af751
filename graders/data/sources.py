"""Where datasets come from: a local copy, the CIFAR-10 JPEG copy's build script, or a download.

Every function here writes into a staging folder and never into the source.
A local copy is laid out like ../shared/datasets:

    SOURCE/MNIST/raw/<idx file>[.gz]           (gzip'd originals or a torchvision root)
    SOURCE/FashionMNIST/raw/<idx file>[.gz]
    SOURCE/cifar-10-batches-py/<batch files>   or   SOURCE/cifar10-jpeg/build_cifar10.py
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

from .catalog import CIFAR_TRAIN, DataError, DatasetInfo
from .formats import read_cifar_batch, write_cifar_batch

JPEG_COPY = "cifar10-jpeg"
BUILD_SCRIPT = "build_cifar10.py"
LOCAL_FIX = "run `grade data prepare --from DIR` with a local copy (e.g. ../shared/datasets)"


def lacking(info: DatasetInfo, source: Path) -> str | None:
    """What the local copy `source` lacks for dataset `info`, or None when it has it."""
    if info.layout == "idx":
        for name in info.files:
            if _idx_file(source / info.folder / name) is None:
                return f"{info.title} ({info.folder}/{name}[.gz])"
        return None
    if (
        _has_files(source / info.folder, info.files)
        or (source / JPEG_COPY / BUILD_SCRIPT).is_file()
    ):
        return None
    return f"{info.title} ({info.folder}/ or {JPEG_COPY}/{BUILD_SCRIPT})"


def fetch(
    info: DatasetInfo, source: Path | None, staging: Path, progress: Callable[[str], None]
) -> str:
    """Write dataset `info` to staging/<info.folder> in torchvision's layout; return its origin.

    The origin ("local copy DIR", "rebuilt from JPEG copy DIR" or "download") goes
    into the manifest.
    """
    dest = staging / info.folder
    if source is None:
        _download(info, staging / "download", progress)
        _copy_local(info, staging / "download", dest)
        return "download"
    if info.layout == "cifar" and not _has_files(source / info.folder, info.files):
        _rebuild(source / JPEG_COPY, staging / "rebuild", progress)
        (staging / "rebuild" / info.folder).rename(dest)
        for name in CIFAR_TRAIN:  # re-pickled compactly; test_batch is rewritten later anyway
            write_cifar_batch(dest / name, read_cifar_batch(dest / name))
        return f"rebuilt from JPEG copy {source / JPEG_COPY}"
    progress(f"{info.title}: copying from {source}")
    _copy_local(info, source, dest)
    return f"local copy {source}"


def _copy_local(info: DatasetInfo, source: Path, dest: Path) -> None:
    """Copy the files torchvision reads from a local copy, decompressing .gz idx files."""
    for name in info.files:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        found = source / info.folder / name
        if info.layout == "idx":
            found = _idx_file(found)
        if found is None or not found.is_file():
            raise DataError(f"{source} lacks {info.folder}/{name}: {LOCAL_FIX}")
        if found.suffix == ".gz":
            _gunzip(found, target)
        else:
            shutil.copyfile(found, target)


def _gunzip(path: Path, target: Path) -> None:
    """Decompress `path` into `target`, with a DataError if it is not a whole gzip file."""
    try:
        with gzip.open(path, "rb") as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise DataError(f"cannot decompress {path}: {exc}") from None


def _idx_file(path: Path) -> Path | None:
    """The decompressed idx file at `path`, else its .gz beside it, else None."""
    gz = path.with_name(path.name + ".gz")
    return path if path.is_file() else gz if gz.is_file() else None


def _has_files(folder: Path, names: tuple[str, ...]) -> bool:
    """Whether `folder` holds every file in `names`."""
    return all((folder / name).is_file() for name in names)


def _rebuild(jpeg: Path, out: Path, progress: Callable[[str], None]) -> None:
    """Run the JPEG copy's build script with this interpreter, writing out/cifar-10-batches-py."""
    progress(f"CIFAR-10: rebuilding from the JPEG copy in {jpeg} (about 10 s)")
    out.mkdir(parents=True)
    result = subprocess.run(
        [sys.executable, str(jpeg / BUILD_SCRIPT), str(out)],
        cwd=out,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["no output"]
        raise DataError(
            f"rebuilding CIFAR-10 with {jpeg / BUILD_SCRIPT} failed "
            f"(exit {result.returncode}): {lines[-1]}"
        )


def _download(info: DatasetInfo, target: Path, progress: Callable[[str], None]) -> None:
    """Download dataset `info` with torchvision into `target` (a torchvision root)."""
    import torchvision

    progress(f"{info.title}: downloading with torchvision into {target}")
    cls = getattr(torchvision.datasets, info.torchvision_class)
    try:
        cls(str(target), train=True, download=True)
    except Exception as exc:  # network, http, checksum and archive errors alike
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]  # most specific
        raise DataError(f"could not download {info.title} ({reason}): {LOCAL_FIX}") from exc
