"""Build the engine-only wheel that students install to run `grade --self --bundle FILE`.

The wheel `dlgrade_engine-<version>-py3-none-any.whl` holds the `graders` package
alone: no reference solutions, no rubrics, no tests. A self-check needs nothing
more, since a bundle carries the public checks and their expected values.

    python -m graders.engine_dist OUT_DIR

The zip is written with the standard library and is deterministic: entries are
sorted, timestamps and permissions fixed, so the same sources give the same bytes.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import sys
import zipfile
from pathlib import Path

from . import __version__

DIST_NAME = "dlgrade-engine"
WHEEL_NAME = DIST_NAME.replace("-", "_")
PACKAGE_DIR = Path(__file__).resolve().parent
PYPROJECT = PACKAGE_DIR.parent / "pyproject.toml"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
ENTRY_POINTS = "[console_scripts]\ngrade = graders.cli:main\n"


def package_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """The package's shipped files: every .py file and py.typed, without caches."""
    found = [
        path
        for path in package_dir.rglob("*")
        if path.is_file()
        and (path.suffix == ".py" or path.name == "py.typed")
        and "__pycache__" not in path.parts
    ]
    return sorted(found)


def read_project(pyproject: Path = PYPROJECT) -> dict:
    """The `[project]` table of the checkout's pyproject.toml (building needs Python 3.11+)."""
    import tomllib

    if not pyproject.is_file():
        raise FileNotFoundError(
            f"{pyproject}: not found; build the engine wheel from a dlgrade checkout"
        )
    with pyproject.open("rb") as f:
        return tomllib.load(f)["project"]


def metadata_text(project: dict) -> str:
    """The wheel's METADATA (core metadata 2.1) for the engine distribution."""
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {DIST_NAME}",
        f"Version: {__version__}",
        "Summary: The dlgrade grading engine alone (no reference solutions, no rubrics)",
    ]
    if "requires-python" in project:
        lines.append(f"Requires-Python: {project['requires-python']}")
    lines += [f"Requires-Dist: {dependency}" for dependency in project.get("dependencies", [])]
    return "\n".join(lines) + "\n"


def wheel_text() -> str:
    """The wheel's WHEEL file: a pure-Python wheel for any Python 3."""
    return (
        "Wheel-Version: 1.0\n"
        "Generator: graders.engine_dist\n"
        "Root-Is-Purelib: true\n"
        "Tag: py3-none-any\n"
    )


def record_hash(data: bytes) -> str:
    """A RECORD hash: sha256, urlsafe base64 without padding."""
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def record_text(entries: dict[str, bytes], record_path: str) -> str:
    """The RECORD file: one `path,hash,size` row per entry, RECORD itself unhashed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for name, data in entries.items():
        writer.writerow([name, record_hash(data), len(data)])
    writer.writerow([record_path, "", ""])
    return out.getvalue()


def wheel_entries(package_dir: Path = PACKAGE_DIR, pyproject: Path = PYPROJECT) -> dict[str, bytes]:
    """Every file of the wheel by its archive name, RECORD last."""
    dist_info = f"{WHEEL_NAME}-{__version__}.dist-info"
    root = package_dir.parent
    entries = {
        path.relative_to(root).as_posix(): path.read_bytes() for path in package_files(package_dir)
    }
    entries[f"{dist_info}/METADATA"] = metadata_text(read_project(pyproject)).encode()
    entries[f"{dist_info}/WHEEL"] = wheel_text().encode()
    entries[f"{dist_info}/entry_points.txt"] = ENTRY_POINTS.encode()
    entries[f"{dist_info}/top_level.txt"] = f"{package_dir.name}\n".encode()
    record_path = f"{dist_info}/RECORD"
    entries[record_path] = record_text(entries, record_path).encode()
    return entries


def write_zip(path: Path, entries: dict[str, bytes]) -> None:
    """Write `entries` in order with fixed timestamps and permissions."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


def build_engine_wheel(out_dir: Path) -> Path:
    """Build the engine-only wheel into `out_dir` and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wheel = out_dir / f"{WHEEL_NAME}-{__version__}-py3-none-any.whl"
    write_zip(wheel, wheel_entries())
    return wheel


def main(argv: list[str] | None = None) -> int:
    """`python -m graders.engine_dist OUT_DIR`: build the wheel and print its path."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m graders.engine_dist OUT_DIR", file=sys.stderr)
        return 2
    print(build_engine_wheel(Path(args[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
