"""Run notebook cells one by one, the way a Jupyter kernel would, minus the shell.

IPython magics and `!shell` lines are neutralised (never run), a cell's last
expression is displayed as in a notebook, and each cell has a soft time limit
that interrupts pure-Python loops; the parent enforces the hard one.
"""

from __future__ import annotations

import ast
import re
import signal
import sys
import time
import traceback
from typing import Any

SHELL_CELL_MAGICS = (
    "%%bash",
    "%%sh",
    "%%script",
    "%%system",
    "%%writefile",
    "%%html",
    "%%javascript",
    "%%js",
    "%%latex",
    "%%markdown",
    "%%svg",
    "%%perl",
    "%%ruby",
)
_MAGIC_LINE = re.compile(r"^(\s*)([!%].*)$")
_MAGIC_ASSIGN = re.compile(r"^(\s*[\w.,\s\[\]]+=\s*)[!%].*$")


class CellTimeout(BaseException):
    """Raised inside a cell that ran past its time limit (not an Exception: not swallowed)."""


def neutralise_magics(source: str) -> tuple[str, list[str]]:
    """Replace magics and shell escapes with `pass`; return the code and what was skipped."""
    lines = source.splitlines()
    skipped: list[str] = []
    if lines and lines[0].lstrip().startswith("%%"):
        first = lines[0].strip()
        skipped.append(first)
        if first.startswith(SHELL_CELL_MAGICS):
            return "", skipped + lines[1:]
        lines = lines[1:]
    out = []
    for line in lines:
        assign = _MAGIC_ASSIGN.match(line)
        magic = _MAGIC_LINE.match(line)
        if assign:
            skipped.append(line.strip())
            out.append(assign.group(1) + "None")
        elif magic:
            skipped.append(magic.group(2))
            out.append(magic.group(1) + "pass")
        else:
            out.append(line)
    return "\n".join(out), skipped


class IPythonStub:
    """Stands in for `get_ipython()` in exported notebooks: magics and shell do nothing."""

    def run_line_magic(self, *args: Any, **kwargs: Any) -> None:
        return None

    def run_cell_magic(self, *args: Any, **kwargs: Any) -> None:
        return None

    def system(self, *args: Any, **kwargs: Any) -> None:
        return None

    getoutput = system


def display(*objects: Any, **kwargs: Any) -> None:
    """`IPython.display.display` without a front end: print the repr."""
    for obj in objects:
        print(repr(obj))


def raise_timeout(signum: int, frame: Any) -> None:
    raise CellTimeout()


def _compile(source: str, filename: str, notebook: bool) -> list[tuple[Any, bool]]:
    tree = ast.parse(source, filename=filename)
    if notebook and tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
        return [(compile(tree, filename, "exec"), False), (compile(last, filename, "eval"), True)]
    return [(compile(tree, filename, "exec"), False)]


def _error_text(exc: BaseException, filename: str) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    where = f" (line {frames[-1].lineno})" if frames else ""
    if isinstance(exc, SyntaxError):
        where = f" (line {exc.lineno})"
        return f"SyntaxError: {exc.msg}{where}"
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()
    return (text[-1] if text else type(exc).__name__)[:500] + where


def run_cell(
    index: int, source: str, namespace: dict[str, Any], timeout: float, notebook: bool
) -> dict[str, Any]:
    """Run one cell; return its status ("ok", "error", "timeout", "exit"), error and time."""
    filename = f"<cell {index + 1}>"
    code, skipped = neutralise_magics(source)
    started = time.monotonic()
    result: dict[str, Any] = {"status": "ok", "skipped_magics": skipped[:20]}
    previous = signal.signal(signal.SIGALRM, raise_timeout)
    try:
        compiled = _compile(code, filename, notebook)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        for code_object, display_it in compiled:
            value = eval(code_object, namespace)  # noqa: S307 - the sandbox's purpose
            if display_it and value is not None:
                print(repr(value))
    except CellTimeout:
        result.update(status="timeout", error=f"cell ran past its time limit of {timeout:g} s")
    except SystemExit as exc:
        result.update(status="exit", error=f"the cell called exit({exc.code!r})")
    except BaseException as exc:  # noqa: BLE001 - any error is the submission's
        result.update(status="error", error=_error_text(exc, filename))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.stdout.flush()
    result["seconds"] = round(time.monotonic() - started, 4)
    return result
