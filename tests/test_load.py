"""Reading submissions: notebooks, modules split at `# %%`, folders, and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from graders.load import discover, read_submission
from graders.observe.child.cells import neutralise_magics


def notebook(path: Path, *cells: str, markdown: str = "") -> Path:
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    if markdown:
        nb.cells.insert(0, new_markdown_cell(markdown))
    nbformat.write(nb, path)
    return path


def test_notebook_cells_and_markdown(tmp_path: Path) -> None:
    path = notebook(tmp_path / "kim.ipynb", "x = 1", "print(x)", markdown="my answer")
    submission = read_submission(path)
    assert submission.error is None
    assert submission.student == "kim"
    assert submission.cells == ["x = 1", "print(x)"]
    assert submission.markdown == ["my answer"]
    assert submission.notebook


def test_module_is_split_at_cell_markers(tmp_path: Path) -> None:
    path = tmp_path / "lee.py"
    path.write_text("# header comment only\n# %%\nimport math\n# %% Q2\nx = 2\n#%%\ny = 3\n")
    submission = read_submission(path)
    assert submission.cells == ["import math", "x = 2", "y = 3"]
    assert not submission.notebook
    assert "header comment only" in submission.markdown[0]


def test_module_without_markers_is_one_cell(tmp_path: Path) -> None:
    path = tmp_path / "park.py"
    path.write_text("a = 1\nb = 2\n")
    assert read_submission(path).cells == ["a = 1\nb = 2"]


def test_nbformat_3_notebook_is_upgraded(tmp_path: Path) -> None:
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {},
        "worksheets": [
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "input": "z = 3",
                        "outputs": [],
                        "language": "python",
                        "metadata": {},
                    }
                ]
            }
        ],
    }
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(v3))
    assert read_submission(path).cells == ["z = 3"]


def test_invalid_json_is_an_error_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [')
    submission = read_submission(path)
    assert submission.error is not None
    assert str(path) in submission.error and "re-save it from Jupyter" in submission.error


def test_binary_junk_named_ipynb(tmp_path: Path) -> None:
    path = tmp_path / "junk.ipynb"
    path.write_bytes(bytes(range(256)) * 4)
    assert "not" in read_submission(path).error


def test_non_utf8_module(tmp_path: Path) -> None:
    path = tmp_path / "euckr.py"
    path.write_bytes("x = '한글'\n".encode("euc-kr"))
    error = read_submission(path).error
    assert (
        error is not None
        and "not UTF-8 text at byte" in error
        and "save the file as UTF-8" in error
    )


def test_student_id_from_names_with_spaces_and_korean(tmp_path: Path) -> None:
    path = notebook(tmp_path / "홍길동 HW1 (final).ipynb", "x = 1")
    assert read_submission(path).student == "홍길동_HW1_final"


def test_folder_submission_carries_its_files(tmp_path: Path) -> None:
    folder = tmp_path / "choi"
    folder.mkdir()
    notebook(folder / "hw.ipynb", "open('data.txt').read()")
    (folder / "data.txt").write_text("hello")
    submission = read_submission(folder)
    assert submission.student == "choi"
    assert submission.folder == folder
    assert discover([folder]) == [folder]


def test_folder_with_two_notebooks_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "jung"
    folder.mkdir()
    notebook(folder / "a.ipynb", "x = 1")
    notebook(folder / "b.ipynb", "x = 2")
    error = read_submission(folder).error
    assert error is not None and "exactly one" in error and "a.ipynb, b.ipynb" in error


def test_discover_treats_a_folder_of_submissions_entry_by_entry(tmp_path: Path) -> None:
    notebook(tmp_path / "a.ipynb", "x = 1")
    (tmp_path / "b.py").write_text("x = 2\n")
    (tmp_path / "notes.txt").write_text("ignored")
    sub = tmp_path / "c"
    sub.mkdir()
    notebook(sub / "work.ipynb", "x = 3")
    assert [p.name for p in discover([tmp_path])] == ["a.ipynb", "b.py", "c"]


def test_magics_and_shell_lines_are_neutralised() -> None:
    code, skipped = neutralise_magics(
        "%matplotlib inline\n!pip install torch\nfiles = !ls\nif True:\n    !rm -rf /\nx = 1"
    )
    assert code == "pass\npass\nfiles = None\nif True:\n    pass\nx = 1"
    assert skipped == ["%matplotlib inline", "!pip install torch", "files = !ls", "!rm -rf /"]


def test_shell_cell_magic_skips_the_whole_cell() -> None:
    code, skipped = neutralise_magics("%%bash\nrm -rf /\necho hi")
    assert code == ""
    assert skipped[0] == "%%bash"


def test_timing_cell_magic_runs_the_body() -> None:
    code, _ = neutralise_magics("%%time\nx = 1")
    assert code == "x = 1"
