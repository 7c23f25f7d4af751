"""Run notebook cells one by one, the way a Jupyter kernel would, minus the shell.

IPython's own input transformer turns magics and `!shell` lines into calls of
`get_ipython()`, which `IPythonStub` answers: shell commands and installs never
run, `%time`/`%timeit`/`%%capture` run their code once. A cell's top-level
statements run one by one, so a failing statement costs only itself; a cell's
last expression is displayed as in a notebook, and each cell has a soft time
limit that interrupts pure-Python loops; the parent enforces the hard one.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import shlex
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from ...i18n import _
from ..protocol import CELL_OUTPUT_KEPT
from . import compat

MAX_SKIPPED = 20
# The magics whose code runs (once, untimed); every other magic and shell line does not.
TIMING_MAGICS = ("time", "timeit")
_TIMEIT_OPTIONS = re.compile(r"^(\s*(-[nrp]\s*[\d.]+|-v\s*\w+|-[tcqo]))*\s*")

# Where IPython syntax may be: a line starting with %, ! or ?, `x = !cmd`, or `obj?`.
_MAYBE_IPYTHON = re.compile(r"^\s*[%!?]|=\s*!|\?\s*$", re.MULTILINE)


class CellTimeout(BaseException):
    """Raised inside a cell that ran past its time limit (not an Exception: not swallowed)."""


def transform(source: str) -> str:
    """A cell's source as Python: magics and shell escapes become `get_ipython()` calls.

    IPython is imported only for a cell that may hold its syntax: a child that never
    needs it stays small, and so do the processes a submission forks."""
    if not _MAYBE_IPYTHON.search(source):
        return source
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


class _Cell:
    """One running cell: the statements that failed and the magics that did not run."""

    def __init__(
        self,
        filename: str,
        namespace: dict[str, Any],
        display: bool,
        after_statement: Callable[[int], None] | None = None,
    ) -> None:
        self.filename = filename
        self.namespace = namespace
        self.display = display
        self.after_statement = after_statement
        self.failures: list[str] = []
        self.ran_after_failure = False
        self.skipped: list[str] = []

    def run(self, source: str, first_line: int = 1) -> Any:
        """Run `source` statement by statement (a SyntaxError loses all of it); return the
        value of a last expression."""
        tree = ast.parse(source, filename=self.filename)
        ast.increment_lineno(tree, first_line - 1)
        value = None
        for position, statement in enumerate(tree.body):
            if self.failures:
                self.ran_after_failure = True
            last = position == len(tree.body) - 1
            try:
                if last and self.display and isinstance(statement, ast.Expr):
                    code = compile(ast.Expression(statement.value), self.filename, "eval")
                    value = eval(code, self.namespace)  # noqa: S307 - the sandbox's purpose
                else:
                    code = compile(ast.Module([statement], []), self.filename, "exec")
                    exec(code, self.namespace)  # noqa: S102 - the sandbox's purpose
            except (CellTimeout, SystemExit):
                raise
            except BaseException as exc:  # noqa: BLE001 - any error is the submission's
                self.failures.append(_error_text(exc, self.filename))
            if self.after_statement is not None and not last:
                self.after_statement(statement.end_lineno or statement.lineno)
        return value

    def error(self, finished: bool) -> str | None:
        """The failed statements, and whether the rest of a `finished` cell ran after them."""
        if not self.failures:
            return None
        text = "; ".join(self.failures)
        if finished and self.ran_after_failure:
            text += "; the rest of the cell still ran"
        return text


class IPythonStub:
    """Stands in for `get_ipython()`: what the transformed magics and shell lines call."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.cell: _Cell | None = None

    def _skip(self, text: str) -> None:
        if self.cell is not None and len(self.cell.skipped) < MAX_SKIPPED:
            self.cell.skipped.append(text.strip())

    def run_line_magic(self, name: str, line: str, _stack_depth: int = 1) -> Any:
        if name not in TIMING_MAGICS:
            self._skip(f"%{name} {line}")
            return None
        compat.note("magic_ran", f"%{name}")
        statement = _TIMEIT_OPTIONS.sub("", line, count=1) if name == "timeit" else line
        value = _run_source(statement, self.namespace)
        return value if name == "time" else None

    def run_cell_magic(self, name: str, line: str, cell: str) -> Any:
        if self.cell is None:
            return None
        if name in TIMING_MAGICS:
            compat.note("magic_ran", f"%%{name}")
            if name == "timeit":
                _run_source(_TIMEIT_OPTIONS.sub("", line, count=1), self.namespace)
            value = self.cell.run(cell, first_line=2)
            return value if name == "time" else None
        if name == "capture":
            return self._capture(line, cell)
        if name == "writefile":
            return self._write_file(line, cell)
        self._skip(f"%%{name} {line}")
        return None

    def _capture(self, line: str, cell: str) -> None:
        compat.note("magic_ran", "%%capture")
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            self.cell.run(cell, first_line=2)
        names = [word for word in line.split() if not word.startswith("-")]
        if names:
            self.namespace[names[0]] = CapturedOutput(stdout.getvalue(), stderr.getvalue())

    def _write_file(self, line: str, cell: str) -> None:
        words = shlex.split(line)
        append = "-a" in words or "--append" in words
        names = [word for word in words if not word.startswith("-")]
        here = os.path.realpath(os.getcwd())
        target = os.path.realpath(names[0]) if names else ""
        if not names or os.path.commonpath([here, target]) != here:
            self._skip(f"%%writefile {line}")
            return
        with open(target, "a" if append else "w", encoding="utf-8") as f:
            f.write(cell)
        compat.note("writefile", names[0])

    def system(self, command: str, *args: Any, **kwargs: Any) -> None:
        self._skip(f"!{command}")

    def getoutput(self, command: str, *args: Any, **kwargs: Any) -> list[str]:
        self._skip(f"!{command}")
        return []


class CapturedOutput:
    """What `%%capture NAME` assigns: the cell's printed output."""

    def __init__(self, stdout: str, stderr: str) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.outputs: list[Any] = []

    def show(self) -> None:
        print(self.stdout, end="")
        print(self.stderr, end="", file=sys.stderr)

    __call__ = show


def _run_source(source: str, namespace: dict[str, Any]) -> Any:
    """A magic's one-line statement: its value if it is an expression."""
    tree = ast.parse(source.strip() or "None")
    if len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr):
        return eval(compile(ast.Expression(tree.body[0].value), "<magic>", "eval"), namespace)  # noqa: S307
    exec(compile(tree, "<magic>", "exec"), namespace)  # noqa: S102
    return None


class StdoutTee:
    """Stands in for `sys.stdout`: every write goes through to the real stream unchanged,
    and the last `CELL_OUTPUT_KEPT` characters of the running cell are kept."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._parts: list[str] = []
        self._length = 0

    def begin(self) -> None:
        """A cell starts: nothing kept yet, and this tee is `sys.stdout` again unless the
        submission put a stream of its own there (which may write to this one)."""
        self._parts, self._length = [], 0
        if sys.stdout is self._stream or sys.stdout is sys.__stdout__:
            sys.stdout = self

    def take(self) -> str:
        """The end of what the running cell wrote."""
        text = "".join(self._parts)[-CELL_OUTPUT_KEPT:]  # the real stream took only text
        self._parts, self._length = [], 0
        return text

    def write(self, text: str) -> int:
        written = self._stream.write(text)
        try:  # keeping must never fail the submission's write
            self._parts.append(text)
            self._length += len(text)
            if self._length > 2 * CELL_OUTPUT_KEPT:
                self._parts = ["".join(self._parts)[-CELL_OUTPUT_KEPT:]]
                self._length = len(self._parts[0])
        except Exception:  # noqa: BLE001
            self._parts, self._length = [], 0
        return written

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _flush_stdout(tee: StdoutTee) -> None:
    """Flush what a cell printed, wherever `sys.stdout` points now (a stream the
    submission closed or detached included)."""
    for stream in (sys.stdout, tee):
        with contextlib.suppress(Exception):
            stream.flush()


def display(*objects: Any, **kwargs: Any) -> None:
    """`IPython.display.display` without a front end: print the repr."""
    for obj in objects:
        print(repr(obj))


def raise_timeout(signum: int, frame: Any) -> None:
    raise CellTimeout()


def _error_text(exc: BaseException, filename: str) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    where = f" (line {frames[-1].lineno})" if frames else ""
    if isinstance(exc, SyntaxError):
        where = f" (line {exc.lineno})"
        return f"SyntaxError: {exc.msg}{where}"
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()
    text = (text[-1] if text else type(exc).__name__)[:500] + where
    reason = compat.explain_missing_module(exc)
    return f"{text}: {reason}" if reason else text


def run_cell(
    index: int,
    source: str,
    namespace: dict[str, Any],
    timeout: float,
    notebook: bool,
    shell: IPythonStub,
    output: StdoutTee,
    after_statement: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Run one cell; return its status ("ok", "error", "timeout", "exit"), error, time,
    the magics that did not run, the compatibility notes of what it used and the end of
    what it printed (`output` keeps it)."""
    filename = f"<cell {index + 1}>"
    cell = _Cell(filename, namespace, display=notebook, after_statement=after_statement)
    shell.cell = cell
    compat.take_notes()
    output.begin()
    started = time.monotonic()
    result: dict[str, Any] = {"status": "ok"}
    previous = signal.signal(signal.SIGALRM, raise_timeout)
    try:
        code = transform(source)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        value = cell.run(code)
        if value is not None:
            print(repr(value))
    except CellTimeout:
        error = _("cell ran past its time limit of {seconds:g} s").format(seconds=timeout)
        result.update(status="timeout", error=error)
    except SystemExit as exc:
        exited = _("the cell called exit({code!r})").format(code=exc.code)
        result.update(status="exit", error=exited)
    except BaseException as exc:  # noqa: BLE001 - a SyntaxError loses the whole cell
        result.update(status="error", error=_error_text(exc, filename))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _flush_stdout(output)
        shell.cell = None
    failed = cell.error(finished=result["status"] == "ok")
    if failed and result["status"] == "ok":
        result.update(status="error", error=failed)
    elif failed and result["status"] != "error":
        result["error"] += f"; before that: {failed}"
    if cell.skipped:
        compat.note("magic_skipped", ", ".join(f"`{s}`" for s in cell.skipped[:5]))
    result["skipped_magics"] = cell.skipped
    result["compat"] = compat.take_notes()
    result["output"] = output.take()
    result["seconds"] = round(time.monotonic() - started, 4)
    return result
