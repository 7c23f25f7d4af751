"""Which file of a submission folder runs: the entry, found from what the files import.

The rule, in order: the folder's one notebook; else the module that imports every
other module (directly or through the others); else the first of the rubric's
`entry` names the folder holds; else none, and the submission says so.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from pathlib import Path


def imported_names(cells: Iterable[str]) -> set[str]:
    """Top-level names of the modules that `cells` import (`import lenet`, `from lenet import
    LeNet`, `from . import lenet`, `from .lenet import LeNet`); cells that do not parse, even
    without their magics and shell lines, are skipped."""
    found: set[str] = set()
    for cell in cells:
        tree = _parse(cell)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.ImportFrom):  # from . import lenet
                found.update(alias.name for alias in node.names)
    return found


def _parse(cell: str) -> ast.Module | None:
    for text in (cell, _without_magics(cell)):
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError):
            continue
    return None


def _without_magics(cell: str) -> str:
    return "\n".join(
        "pass" if line.lstrip().startswith(("%", "!")) else line for line in cell.splitlines()
    )


def reached(names: Iterable[str], imports: dict[str, set[str]]) -> set[str]:
    """The local modules that importing `names` loads, directly or through one another
    (`imports` maps each local module to the names it imports)."""
    seen: set[str] = set()
    stack = [name for name in names if name in imports]
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(n for n in imports[name] if n in imports)
    return seen


def choose_entry(
    sources: Sequence[Path], imports: dict[str, set[str]], entry_names: Sequence[str] = ()
) -> Path | None:
    """The entry among a folder's `sources` by the rule in this module's docstring.

    `imports` maps every local module (a source's stem, or a sub-folder of sources used as a
    package) to the names it imports; a notebook's stem is not one. The entry module must
    import the other modules; package sub-folders it does not import stay as files."""
    notebooks = [p for p in sources if p.suffix == ".ipynb"]
    if len(notebooks) == 1:
        return notebooks[0]
    if not notebooks:
        modules = {p.stem for p in sources}
        importers = [p for p in sources if modules <= reached([p.stem], imports)]
        if len(importers) == 1:
            return importers[0]
    by_name = {p.name: p for p in sources}
    return next((by_name[name] for name in entry_names if name in by_name), None)
