"""A graded submission as a TA reads it: its cells in document order, each code cell with
what it printed and the figures it drew, and the words of its code (comments, docstrings).

A journal entry keeps a submission's code cells and its markdown as two lists, the order of a
notebook's cells, and what each code cell printed and drew; `Document` puts them back
together. A module's comment paragraphs stand in for markdown.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..journal import Entry, Observation, content_hash
from ..load.submissions import comment_blocks, read_submission

# A line that announces what follows rather than saying it ("(풀이)", "답:", "TODO").
PLACEHOLDER = re.compile(
    r"\W*(todo|tbd|answer|your answer here|write your answer here|답|답변|정답|풀이|해석"
    r"|여기에.*작성.*)\W*",
    re.IGNORECASE,
)
_CODEISH = re.compile(r"[=(\[.:]|^(import|from|return|print|for|if|while|def|class|with)\b")


@dataclass
class Cell:
    """One cell of a document; a code cell with what it printed and the figures it drew."""

    kind: str  # "markdown" | "code"
    text: str
    output: str = ""
    figures: list[str] = field(default_factory=list)

    @cached_property
    def prose(self) -> str:
        """Its words: a markdown cell's text, a code cell's comments and docstrings."""
        return self.text if self.kind == "markdown" else "\n".join(comments_of(self.text))


@dataclass
class Document:
    """A submission's cells in document order, each code cell with what it printed and drew.

    A module's comment paragraphs stand in for markdown: those outside its code cells become
    markdown cells between them."""

    cells: list[Cell]
    ordered: bool = True  # False: a notebook kept without its cell order, markdown first
    stdout: str = ""  # the run's printed output, where its cells' own were not kept

    @classmethod
    def from_entry(cls, entry: Entry) -> Document:
        """The document of a journal entry (an entry kept before the order of a notebook's
        cells was kept takes it from the notebook, where that has not changed since)."""
        record = entry.submission
        if record.get("notebook", True) and not _fits(record.get("order", []), record):
            record = {**record, "order": _order_on_disk(entry)}
        return cls.from_record(record, entry.observation)

    @classmethod
    def from_record(cls, record: dict[str, Any], observation: Observation | None) -> Document:
        """The document of an entry's `submission` record and its run's observation."""
        code, markdown = list(record.get("cells", [])), list(record.get("markdown", []))
        order = record.get("order") or []
        ordered = True
        if not record.get("notebook", True):
            layout = _module_layout(code, markdown)
        elif _fits(order, record):
            counts = {"code": 0, "markdown": 0}
            layout = []
            for kind in order:
                layout.append((kind, counts[kind]))
                counts[kind] += 1
        else:
            layout = [("markdown", j) for j in range(len(markdown))]
            layout += [("code", k) for k in range(len(code))]
            ordered = not (code and markdown)
        outcomes = {o.get("index"): o for o in observation.cells} if observation else {}
        cells = []
        for kind, i in layout:
            if kind == "markdown":
                cells.append(Cell("markdown", markdown[i]))
                continue
            outcome = outcomes.get(i, {})
            output, figures = outcome.get("output") or "", outcome.get("figures") or []
            cells.append(Cell("code", code[i], str(output), list(figures)))
        kept = any("output" in o for o in outcomes.values())
        stdout = observation.stdout if observation is not None and not kept else ""
        return cls(cells, ordered, stdout)


def _fits(order: list[str], record: dict[str, Any]) -> bool:
    code, markdown = len(record.get("cells", [])), len(record.get("markdown", []))
    return (
        order.count("code") == code
        and order.count("markdown") == markdown
        and len(order) == code + markdown
    )


def _order_on_disk(entry: Entry) -> list[str]:
    """A notebook's cell order read again from its file, for an entry kept before the order
    was; none where the file is gone or has changed since it was graded."""
    path = Path(entry.path)
    try:
        if not path.exists() or content_hash(path) != entry.content:
            return []
    except OSError:
        return []
    return read_submission(path).order


def _module_layout(code: list[str], blocks: list[str]) -> list[tuple[str, int]]:
    """A module's code cells and its comment paragraphs outside them, in file order.

    The module's paragraphs (`blocks`) are those of its cells one after the other, so each
    code cell's own paragraphs are found as a run; the paragraphs between two runs stood
    between those cells. A code cell without comments is put after the paragraph before it
    that reads like a heading or is the file's first, else before the prose."""
    layout: list[tuple[str, int]] = []
    plain: list[int] = []
    start = 0
    for k, cell in enumerate(code):
        own = comment_blocks(cell)
        at = _run_at(blocks, own, start) if own else None
        if at is None:
            plain.append(k)
            continue
        layout += _interleaved(blocks, range(start, at), plain)
        layout.append(("code", k))
        plain, start = [], at + len(own)
    return layout + _interleaved(blocks, range(start, len(blocks)), plain)


def _run_at(blocks: list[str], run: list[str], start: int) -> int | None:
    for at in range(start, len(blocks) - len(run) + 1):
        if blocks[at : at + len(run)] == run:
            return at
    return None


def _interleaved(blocks: list[str], between: range, plain: list[int]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    waiting = list(plain)
    for j in between:
        out.append(("markdown", j))
        if waiting and (j == 0 or _reads_like_a_heading(blocks[j])):
            out.append(("code", waiting.pop(0)))
    if waiting:
        last_code = max((i + 1 for i, (kind, _k) in enumerate(out) if kind == "code"), default=0)
        out[last_code:last_code] = [("code", k) for k in waiting]
    return out


def _reads_like_a_heading(text: str) -> bool:
    """One short line ("2-3", "## 4"), or words that end by announcing what follows
    ("(풀이)", "답:")."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (len(lines) == 1 and len(lines[0]) <= 80) or bool(
        lines and PLACEHOLDER.fullmatch(lines[-1])
    )


def letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def comments_of(code: str) -> list[str]:
    """The prose of a code cell, in order: its comments (less commented-out code and
    banners) and its docstrings."""
    found: list[tuple[int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.COMMENT:
                found.append((token.start[0], token.string))
    except (tokenize.TokenError, SyntaxError):
        found = [(i, line.strip()) for i, line in enumerate(code.splitlines(), 1)]
        found = [(i, line) for i, line in found if line.startswith("#")]
    lines = [(i, re.sub(r"^[#\s]+|[#\s]+$", "", text)) for i, text in found]
    lines = [(i, text) for i, text in lines if letters(text) and not _is_code(text)]
    return [text for _i, text in sorted(lines + _docstrings(code))]


def _is_code(text: str) -> bool:
    """Whether a comment is commented-out code rather than words."""
    if not _CODEISH.search(text):
        return False
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    words = (ast.Name, ast.Constant, ast.Attribute)
    return not all(
        (isinstance(node, ast.Expr) and isinstance(node.value, words))
        or (isinstance(node, ast.AnnAssign) and node.value is None)
        for node in tree.body
    )


def _docstrings(code: str) -> list[tuple[int, str]]:
    source = "\n".join("" if line.lstrip()[:1] in "%!" else line for line in code.splitlines())
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            text = ast.get_docstring(node)
            if text and node.body:
                found.append((node.body[0].lineno, text))
    return found
