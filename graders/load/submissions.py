"""Submissions: a notebook, a Python module, or a folder: its entry, the modules it imports,
and its other files.

Reading never raises for a bad file: the submission carries an `error` line
instead, so that it is graded zero with that reason while the batch goes on.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .entry import choose_entry, imported_names, reached

SOURCE_SUFFIXES = (".ipynb", ".py")
MAX_BYTES = 64 << 20
CELL_MARKER = re.compile(r"^#\s?%%.*$", re.MULTILINE)
IGNORED = {"__pycache__", ".ipynb_checkpoints", "results", "feedback"}


@dataclass
class Submission:
    """One student's work as cells, ready to run."""

    student: str
    path: Path
    cells: list[str] = field(default_factory=list)
    markdown: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # a notebook's cell kinds, "code"/"markdown"
    notebook: bool = True
    folder: Path | None = None
    assignment_hint: str | None = None
    error: str | None = None
    entry_choices: list[str] = field(default_factory=list)  # a folder's files, entry undecided

    @property
    def source(self) -> str:
        return "\n".join(self.cells)


def student_id(path: Path) -> str:
    """The student id: the file or folder name without its suffix, made safe for file names."""
    name = path.stem if path.is_file() or path.suffix in SOURCE_SUFFIXES else path.name
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"[^\w.-]+", "_", name).strip("._")
    return name or "submission"


def _sources_in(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix in SOURCE_SUFFIXES and not p.name.startswith(".")
    )


def _packages_in(folder: Path) -> list[Path]:
    """Sub-folders holding sources: packages the entry may import, or other submissions."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_dir() and not p.name.startswith(".") and p.name not in IGNORED and _sources_in(p)
    )


def _local_imports(folder: Path, sources: list[Path]) -> dict[str, set[str]]:
    """Each local module of `folder` (a module, or a package sub-folder) and what it imports."""
    imports: dict[str, set[str]] = {p.name: set() for p in _packages_in(folder)}
    for path in sources:
        if path.suffix == ".py":
            imports[path.stem] = _imports_of(path)
    return imports


def _imports_of(path: Path) -> set[str]:
    """The names a source imports (none when it cannot be read or is too large to grade)."""
    if path.stat().st_size > MAX_BYTES:
        return set()
    parsed = Submission(student="", path=path)
    (_read_notebook if path.suffix == ".ipynb" else _read_module)(path, parsed)
    return imported_names(parsed.cells)


def discover(paths: list[Path]) -> list[Path]:
    """Submission paths: files as given; a folder whose sources form one submission (see
    `_is_submission_folder`) as itself; any other folder holds one per entry, a file or a
    sub-folder."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir() and _is_submission_folder(path):
            found.append(path)
        elif path.is_dir():
            for entry in sorted(path.iterdir()):
                if entry.name.startswith(".") or entry.name in IGNORED:
                    continue
                if entry.is_dir() or entry.suffix in SOURCE_SUFFIXES:
                    found.append(entry)
        else:
            found.append(path)
    return found


def _is_submission_folder(folder: Path) -> bool:
    """Whether `folder` is one submission: one notebook or module and what it imports,
    i.e. one notebook importing every module and package sub-folder beside it (or with none),
    or one module importing all the others."""
    sources = _sources_in(folder)
    notebooks = [p for p in sources if p.suffix == ".ipynb"]
    if len(notebooks) > 1:
        return False
    imports = _local_imports(folder, sources)
    if notebooks:
        return reached(_imports_of(notebooks[0]), imports) == set(imports)
    return any(reached([p.stem], imports) == set(imports) for p in sources)


def read_submission(path: Path, entry: Sequence[str] = ()) -> Submission:
    """Read one submission; problems become `Submission.error`, never an exception.

    A folder runs its entry (see `graders.load.entry`); `entry` is the rubric's list of
    entry names, used when the folder's files do not decide it."""
    submission = Submission(student=student_id(path), path=path)
    if path.is_dir():
        submission.folder = path
        sources = _sources_in(path)
        chosen = choose_entry(sources, _local_imports(path, sources), entry)
        if chosen is None:
            _undecided(submission, sources)
            return submission
        source = chosen
    else:
        source = path
    if not source.exists():
        submission.error = f"{source}: no such file"
        return submission
    if source.suffix not in SOURCE_SUFFIXES:
        submission.error = f"{source}: not a notebook or a Python module: submit a .ipynb or .py"
        return submission
    if source.stat().st_size > MAX_BYTES:
        submission.error = (
            f"{source}: {source.stat().st_size >> 20} MB is too large to grade; "
            f"clear the notebook's outputs and submit again"
        )
        return submission
    reader = _read_notebook if source.suffix == ".ipynb" else _read_module
    reader(source, submission)
    if submission.error is None and not any(cell.strip() for cell in submission.cells):
        submission.error = f"{source}: holds no code; submit the notebook or module with your work"
    return submission


def _undecided(submission: Submission, sources: list[Path]) -> None:
    """Mark a folder whose entry its files do not decide, with the one-line fix."""
    submission.entry_choices = [p.name for p in sources]
    if not sources:
        submission.error = (
            f"{submission.path}: holds no .ipynb or .py file; put the notebook or module in it"
        )
        return
    submission.error = (
        f"{submission.path}: cannot tell which file to run (found: "
        f"{', '.join(submission.entry_choices)}); keep exactly one notebook, or one module "
        f"that imports the others, or a TA names the file under the rubric's `entry:`"
    )


def with_entry(submission: Submission, entry: Sequence[str]) -> Submission:
    """`submission` read again with the rubric's `entry` names when its folder's files did
    not decide which one runs and `entry` names one of them; else `submission` itself."""
    if set(submission.entry_choices) & set(entry):
        return read_submission(submission.path, entry)
    return submission


def _read_notebook(path: Path, submission: Submission) -> None:
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
        submission.error = (
            f"{path}: not a valid notebook (not JSON: {str(exc)[:120]}); re-save it from Jupyter"
        )
        return
    except UnicodeDecodeError as exc:
        submission.error = f"{path}: not UTF-8 text at byte {exc.start}; re-save it from Jupyter"
        return
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for a bad file
        submission.error = (
            f"{path}: not a readable notebook ({type(exc).__name__}: "
            f"{str(exc)[:120]}); re-save it from Jupyter"
        )
        return
    for cell in notebook.cells:
        if cell.cell_type == "code":
            submission.cells.append(cell.source)
        elif cell.cell_type == "markdown":
            submission.markdown.append(cell.source)
        else:
            continue  # a raw cell: neither run nor read
        submission.order.append(cell.cell_type)
    hint = notebook.metadata.get("dlgrade", {})
    submission.assignment_hint = hint.get("assignment") if isinstance(hint, dict) else None


def _read_module(path: Path, submission: Submission) -> None:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        submission.error = f"{path}: not UTF-8 text at byte {exc.start}; save the file as UTF-8"
        return
    submission.notebook = False
    cells = [part.strip("\n") for part in CELL_MARKER.split(text)]
    submission.cells = [c for c in cells if _has_code(c)] or [""]
    submission.markdown = comment_blocks(text)


def _has_code(cell: str) -> bool:
    """Whether a module cell holds anything but blank lines and comments."""
    return any(line.strip() and not line.lstrip().startswith("#") for line in cell.splitlines())


def comment_blocks(text: str) -> list[str]:
    """Comment paragraphs of a module, standing in for a notebook's markdown cells."""
    blocks, current = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and not CELL_MARKER.match(stripped):
            current.append(stripped.lstrip("#").strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks
