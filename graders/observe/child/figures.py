"""The figures a cell drew, as the small PNGs a TA sees beside its written answer.

matplotlib is never imported here: `plt.show` is replaced when the submission imports
`matplotlib.pyplot` (at once, where it already is). In a notebook the figures behave as
under Jupyter's inline backend: `plt.show()` shows the open figures and closes them, and
the end of a cell shows and closes the ones left open. In a script figures stay open and
each is captured once, at the `plt.show()` or the end of the cell that first finds it.

Saving is the grader's work inside the submission's process: it never fails the cell or
the run (a figure that cannot be saved is skipped and counted), and it has a time budget
per cell that never outlasts the cell's own time limit.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import importlib.abc
import importlib.machinery
import io
import signal
import sys
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from ..protocol import FIGURE_BYTES, FIGURES_PER_CELL

PYPLOT = "matplotlib.pyplot"
FIGURE_DPI = 72
FIGURE_MAX_SIDE = 800  # pixels: a larger figure is drawn at a lower resolution
FIGURE_SECONDS = 5.0  # saving time per cell, all its figures together


class _OutOfTime(BaseException):
    """Saving figures ran past its time (not an Exception: the figure code cannot swallow it)."""


def _out_of_time(signum: int, frame: Any) -> None:
    raise _OutOfTime()


@contextlib.contextmanager
def _time_bound(seconds: float) -> Iterator[None]:
    """Interrupt the body after `seconds`. A timer already running (the cell's) stops it
    sooner, and is put back with the time it has left, so the cell's own limit holds."""
    outer, interval = signal.getitimer(signal.ITIMER_REAL)
    bound = max(min(seconds, outer) if outer else seconds, 1e-3)  # 0 would disarm it
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _out_of_time)
    try:
        signal.setitimer(signal.ITIMER_REAL, bound)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
        if outer:
            left = outer - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), interval)


def _png(figure: Any, dpi: float) -> bytes:
    width, height = figure.get_size_inches()
    buffer = io.BytesIO()
    dpi = min(dpi, FIGURE_MAX_SIDE / max(width, height))
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _drawn(figure: Any) -> bool:
    """Whether a figure shows anything (Jupyter shows an empty one as text, not an image)."""
    try:
        return bool(figure.axes or figure.lines)
    except Exception:  # noqa: BLE001 - the submission may have broken matplotlib
        return False


class Figures:
    """Captures the figures each cell draws; `begin()` and `end()` frame a cell."""

    def __init__(self, notebook: bool) -> None:
        self.notebook = notebook
        self.running = False
        self.kept: list[str] = []
        self.skipped = 0
        self.seconds_left = 0.0
        self._captured: weakref.WeakSet[Any] = weakref.WeakSet()  # a script's figures

    def install(self) -> None:
        """Replace `plt.show` now if pyplot is imported, else when the submission imports it."""
        pyplot = sys.modules.get(PYPLOT)
        if pyplot is not None:
            self._replace_show(pyplot)
        else:
            sys.meta_path.insert(0, _WhenImported(PYPLOT, self._replace_show))

    def begin(self) -> None:
        """A cell starts."""
        self.running = True
        self.kept, self.skipped, self.seconds_left = [], 0, FIGURE_SECONDS

    def end(self, seconds: float) -> tuple[list[str], int]:
        """A cell ended: capture what it left open, in at most `seconds` (the time its limit
        leaves); return its figures (base64 PNGs) and how many were not kept."""
        self.seconds_left = min(self.seconds_left, seconds)
        self._capture()
        self.running = False
        return self.kept, self.skipped

    def show(self) -> None:
        """What `plt.show()` does: capture the open figures (outside a cell, as in a probe,
        a notebook only closes them)."""
        if self.running or self.notebook:
            self._capture()

    def _replace_show(self, pyplot: Any) -> None:
        def show(*args: Any, **kwargs: Any) -> None:
            self.show()

        with contextlib.suppress(Exception):
            pyplot.show = functools.wraps(pyplot.show)(show)

    def _capture(self) -> None:
        pyplot = sys.modules.get(PYPLOT)
        if pyplot is None:
            return
        try:
            from matplotlib._pylab_helpers import Gcf

            figures = [manager.canvas.figure for manager in Gcf.get_all_fig_managers()]
        except Exception:  # noqa: BLE001 - the submission may have broken matplotlib
            return
        for figure in figures:
            drawn = _drawn(figure)
            if self.notebook:
                if self.running and drawn:
                    self._keep(figure)
                with contextlib.suppress(Exception):
                    pyplot.close(figure)
            elif drawn and figure not in self._captured:
                self._captured.add(figure)
                self._keep(figure)

    def _keep(self, figure: Any) -> None:
        """Save `figure` into this cell's figures if it fits the bounds; else count it."""
        if len(self.kept) >= FIGURES_PER_CELL or self.seconds_left <= 0:
            self.skipped += 1
            return
        data = b""
        started = time.monotonic()
        try:
            with _time_bound(self.seconds_left):
                data = _png(figure, FIGURE_DPI)
                if len(data) > FIGURE_BYTES:
                    data = _png(figure, FIGURE_DPI / 2)
        except (Exception, _OutOfTime):  # noqa: BLE001 - a figure that cannot be saved is skipped
            data = b""
        self.seconds_left -= time.monotonic() - started
        if data and len(data) <= FIGURE_BYTES:
            self.kept.append(base64.b64encode(data).decode("ascii"))
        else:
            self.skipped += 1


class _WhenImported(importlib.abc.MetaPathFinder):
    """Calls `then(module)` right after module `name` is imported; finds nothing itself."""

    def __init__(self, name: str, then: Callable[[Any], None]) -> None:
        self.name = name
        self.then = then

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or not hasattr(spec.loader, "exec_module"):
            return spec
        execute = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            execute(module)
            self.then(module)

        spec.loader.exec_module = exec_module
        return spec
