"""What a cell printed and the figures it drew, captured in the sandbox and held to the
protocol's bounds by the parent."""

from __future__ import annotations

import base64
import io
import json
import time

import pytest
from PIL import Image

from graders.observe.child.figures import FIGURE_MAX_SIDE
from graders.observe.limits import Limits
from graders.observe.protocol import (
    CELL_END,
    CELL_OUTPUT_KEPT,
    CELL_START,
    FIGURE_BYTES,
    FIGURES_PER_CELL,
    FIGURES_PER_RUN,
    HELLO,
    PNG_MAGIC,
    Plan,
)
from graders.observe.runner import _Session, kept_output

from .conftest import sandbox

NOTEBOOK = [
    "import sys\nprint('first cell')\n'shown'",  # 1 a displayed value counts
    "print('matplotlib' in sys.modules)",  # 2
    "import matplotlib.pyplot as plt\nfig = plt.figure()\nplt.plot([1, 2, 3])\nprint('drawn')",
    "for i in range(3):\n    plt.plot([0, i])\n    plt.show()",  # 4
    "left_open = plt.figure()\n_ = plt.plot([3, 1])",  # 5
    "print(plt.get_fignums())",  # 6
    "print('a' * 10**6 + 'END')",  # 7
    f"for i in range({FIGURES_PER_CELL} + 2):\n    plt.figure()\n    plt.plot([0, i])",  # 8
    "import numpy as np\nplt.figure(figsize=(12, 12))\nplt.imshow(np.random.rand(800, 800, 3))",
    "import io\nsys.stdout = io.StringIO()\nprint('swallowed')",  # 10
    "sys.stdout = sys.__stdout__\nlog = open('log.txt', 'w')\nsys.stdout = log\nlog.close()",
    "print('to their closed stream')",  # 12 fails, as in Python
    "sys.stdout = sys.__stdout__\nprint('restored')",  # 13 the real stream: kept from next cell
    "print('kept again')",  # 14
    "class Logger:\n    def __init__(self):\n        self.terminal = sys.stdout\n"
    "    def write(self, text):\n        self.terminal.write(text)\n"
    "    def flush(self):\n        self.terminal.flush()\n"
    "sys.stdout = Logger()\nprint('through their logger')",  # 15
]


@pytest.fixture(scope="module")
def notebook():
    return sandbox(NOTEBOOK, cell_timeout=20)


def _image(figure: str) -> Image.Image:
    data = base64.b64decode(figure, validate=True)
    assert data.startswith(PNG_MAGIC) and len(data) <= FIGURE_BYTES
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_each_cell_keeps_what_it_printed(notebook) -> None:
    assert notebook.completed
    outputs = [cell.output for cell in notebook.cells]
    assert outputs[0] == "first cell\n'shown'\n"
    assert outputs[2] == "drawn\n"
    assert outputs[3] == outputs[4] == ""
    assert outputs[5] == "[]\n"
    assert "first cell" in notebook.stdout and "drawn" in notebook.stdout  # still printed


def test_a_cell_that_never_imports_matplotlib_does_not_get_it_imported(notebook) -> None:
    assert notebook.cells[1].output == "False\n"
    assert notebook.cells[0].figures == notebook.cells[1].figures == []


def test_a_plot_is_one_small_png_that_decodes(notebook) -> None:
    (figure,) = notebook.cells[2].figures
    width, height = _image(figure).size
    assert 100 < max(width, height) <= FIGURE_MAX_SIDE
    assert notebook.cells[2].figures_skipped == 0


def test_each_show_in_a_notebook_loop_is_one_figure(notebook) -> None:
    figures = notebook.cells[3].figures
    assert len(figures) == 3 and len(set(figures)) == 3
    assert all(_image(figure).format == "PNG" for figure in figures)


def test_a_figure_left_open_is_captured_once_and_closed_at_the_cell_end(notebook) -> None:
    assert len(notebook.cells[4].figures) == 1
    assert notebook.cells[5].figures == [] and notebook.cells[5].output == "[]\n"


def test_the_output_kept_is_the_end_of_a_long_print(notebook) -> None:
    output = notebook.cells[6].output
    assert len(output) == CELL_OUTPUT_KEPT
    assert output.endswith("aaEND\n")


def test_figures_past_the_bound_are_counted_not_kept(notebook) -> None:
    assert len(notebook.cells[7].figures) == FIGURES_PER_CELL
    assert notebook.cells[7].figures_skipped == 2
    assert notebook.cells[8].figures == [] and notebook.cells[8].figures_skipped == 1


def test_a_submission_replacing_stdout_breaks_nothing(notebook) -> None:
    cells = notebook.cells
    failed = [(cell.index, cell.error) for cell in cells if cell.status != "ok"]
    assert failed == [(11, "ValueError: I/O operation on closed file. (line 1)")]
    assert cells[9].output == cells[10].output == cells[11].output == ""
    assert cells[13].output == "kept again\n"
    assert cells[14].output == "through their logger\n"


def test_a_script_captures_each_figure_once_and_leaves_it_open() -> None:
    cells = [
        "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()\nplt.plot([2, 1])\n"
        "plt.show()",
        "plt.title('more')\nprint(plt.get_fignums())",
        "late = plt.figure()",  # nothing drawn yet: nothing to show
        "late.add_subplot().plot([0, 1])",
    ]
    result = sandbox(cells, notebook=False)
    assert [len(cell.figures) for cell in result.cells] == [1, 0, 0, 1]
    assert result.cells[1].output == "[1]\n"
    _image(result.cells[3].figures[0])


SLOW_FIGURE = (
    "import time\nimport matplotlib.pyplot as plt\nfrom matplotlib.artist import Artist\n"
    "class Slow(Artist):\n    def draw(self, renderer):\n        time.sleep(60)\n"
    "plt.figure().add_subplot().add_artist(Slow())\n"
)


def test_a_figure_too_slow_to_save_is_skipped_within_the_cells_limit() -> None:
    cells = [SLOW_FIGURE, SLOW_FIGURE + "plt.show()\ntime.sleep(5)", "print('next')"]
    started = time.monotonic()
    result = sandbox(cells, cell_timeout=3, grace=1)
    assert time.monotonic() - started < 15
    assert result.completed
    first, shown, last = result.cells
    assert (first.status, first.figures, first.figures_skipped) == ("ok", [], 1)
    assert shown.status == "timeout" and shown.figures_skipped == 1
    assert (last.status, last.output) == ("ok", "next\n")


def _forged_cell_end(**record: object) -> _Session:
    session = _Session(Plan(cells=["x = 1"], probes=[]), Limits(), time.monotonic())
    for line in (
        {"event": HELLO, "limits": {}},
        {"event": CELL_START, "index": 0},
        {"event": CELL_END, "index": 0, "status": "ok", **record},
    ):
        session._record(json.dumps(line).encode())
    assert not session.killed
    return session


def test_a_forged_cell_end_is_held_to_the_protocol() -> None:
    png = base64.b64encode(PNG_MAGIC + b"\0" * 100).decode()
    huge = base64.b64encode(PNG_MAGIC + b"\0" * FIGURE_BYTES).decode()
    gif = base64.b64encode(b"GIF89a" + b"\0" * 100).decode()
    claimed = [huge, gif, "not base64 at all", 42, png + "!", *[png] * (FIGURES_PER_CELL + 3)]
    session = _forged_cell_end(output="y" * 10**6, figures=claimed, figures_skipped=2)
    cell = session.cells[0]
    assert cell.output == "y" * CELL_OUTPUT_KEPT
    assert cell.figures == [png] * FIGURES_PER_CELL
    assert cell.figures_skipped == 2 + len(claimed) - FIGURES_PER_CELL


def test_a_forged_cell_end_of_the_wrong_types_keeps_nothing() -> None:
    session = _forged_cell_end(output=["x"], figures="AAAA", figures_skipped=-5)
    cell = session.cells[0]
    assert (cell.output, cell.figures, cell.figures_skipped) == ("", [], 0)
    assert kept_output("ok \udce9") == "ok ?"  # a lone surrogate cannot reach a UTF-8 file


def test_a_run_keeps_no_more_figures_than_its_bound() -> None:
    png = base64.b64encode(PNG_MAGIC + b"\0" * 100).decode()
    cells = FIGURES_PER_RUN // FIGURES_PER_CELL + 2
    session = _Session(Plan(cells=["x = 1"] * cells, probes=[]), Limits(), time.monotonic())
    session._record(json.dumps({"event": HELLO, "limits": {}}).encode())
    for index in range(cells):
        for line in (
            {"event": CELL_START, "index": index},
            {"event": CELL_END, "index": index, "status": "ok", "figures": [png] * 4},
        ):
            session._record(json.dumps(line).encode())
    assert not session.killed
    kept = [len(cell.figures) for cell in session.cells.values()]
    assert sum(kept) == FIGURES_PER_RUN and kept[-1] == 0
    assert session.cells[cells - 1].figures_skipped == FIGURES_PER_CELL
