"""Reading submissions: notebooks, modules split at `# %%`, folders and their entry, bad files."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from graders.assignments import Assignment, get_assignment
from graders.engine import Grader
from graders.load import discover, read_submission, with_entry
from graders.observe.child.cells import transform

from .conftest import EXAMPLES


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


# -- folders of several files: which one runs ----------------------------------


def folder_of(path: Path, **files: str) -> Path:
    """A folder holding `files` (name with `_` for `.`, e.g. train_py="...")."""
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        stem, suffix = name.rsplit("_", 1)
        if suffix == "ipynb":
            notebook(path / f"{stem}.ipynb", text)
        else:
            (path / f"{stem}.{suffix}").write_text(text)
    return path


def test_a_notebook_and_the_modules_beside_it_are_one_submission(tmp_path: Path) -> None:
    folder = folder_of(
        tmp_path / "kim", work_ipynb="from utils import softmax\nsoftmax(1)", utils_py="x = 1\n"
    )
    submission = read_submission(folder)
    assert submission.error is None
    assert submission.student == "kim" and submission.folder == folder
    assert submission.cells == ["from utils import softmax\nsoftmax(1)"]
    assert discover([folder]) == [folder]


def test_the_module_that_imports_the_other_is_the_entry(tmp_path: Path) -> None:
    folder = folder_of(
        tmp_path / "lee",
        lenet_py="class LeNet:\n    pass\n",
        train_py="import lenet\nnet = lenet.LeNet()\n",
    )
    submission = read_submission(folder)
    assert submission.error is None and submission.student == "lee"
    assert submission.cells == ["import lenet\nnet = lenet.LeNet()"]
    assert discover([folder]) == [folder]


@pytest.mark.parametrize(
    "statement",
    [
        "from lenet import LeNet",
        "from . import lenet",
        "from .lenet import LeNet",
        "import lenet as L",
    ],
)
def test_every_form_of_import_names_the_entry(tmp_path: Path, statement: str) -> None:
    folder = folder_of(tmp_path / "park", lenet_py="LeNet = 1\n", main_py=f"{statement}\n")
    assert read_submission(folder).cells == [statement]


def test_the_entry_may_import_the_others_through_one_another(tmp_path: Path) -> None:
    folder = folder_of(
        tmp_path / "choi",
        layers_py="import torch\n",
        model_py="from layers import *\n",
        run_py="# %%\nimport model\n# %%\nprint(model)\n",
    )
    assert read_submission(folder).cells == ["import model", "print(model)"]


def test_an_import_in_a_cell_that_does_not_parse_still_counts(tmp_path: Path) -> None:
    folder = folder_of(
        tmp_path / "han", helpers_py="x = 1\n", main_py="# %%\nimport helpers\n# %%\nif x\n"
    )
    assert read_submission(folder).error is None
    notebook_folder = folder_of(
        tmp_path / "yoon", helpers_py="x = 1\n", work_ipynb="%matplotlib inline\nimport helpers"
    )
    assert discover([notebook_folder]) == [notebook_folder]


def test_the_rubrics_entry_names_decide_between_unrelated_modules(tmp_path: Path) -> None:
    folder = folder_of(tmp_path / "jang", main_py="x = 1\n", plots_py="y = 2\n")
    undecided = read_submission(folder)
    assert undecided.entry_choices == ["main.py", "plots.py"]
    assert read_submission(folder, entry=["train.py", "main.py"]).cells == ["x = 1"]
    assert with_entry(undecided, ["main.py"]).cells == ["x = 1"]
    assert with_entry(undecided, ["train.py"]) is undecided


def test_an_undecided_folder_is_a_one_line_error_naming_its_files_and_the_fix(
    tmp_path: Path,
) -> None:
    folder = folder_of(tmp_path / "jang", main_py="x = 1\n", plots_py="y = 2\n")
    error = read_submission(folder).error
    assert error is not None and "\n" not in error
    assert str(folder) in error and "main.py, plots.py" in error
    assert "one module that imports the others" in error and "`entry:`" in error


def test_a_folder_without_sources_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.txt").write_text("nothing")
    error = read_submission(folder).error
    assert error is not None and "holds no .ipynb or .py file" in error


def test_a_module_pair_that_imports_each_other_needs_the_rubrics_entry(tmp_path: Path) -> None:
    folder = folder_of(tmp_path / "seo", a_py="import b\n", b_py="import a\n")
    assert read_submission(folder).error is not None
    assert read_submission(folder, entry=["b.py"]).cells == ["import a"]


def test_a_class_folder_of_multi_file_sub_folders_holds_one_submission_each(
    tmp_path: Path,
) -> None:
    folder_of(tmp_path / "kim", train_py="import lenet\n", lenet_py="x = 1\n")
    folder_of(tmp_path / "lee", work_ipynb="import utils", utils_py="x = 1\n")
    folder_of(tmp_path / "jang", main_py="x = 1\n", plots_py="y = 2\n")  # error when read
    assert [p.name for p in discover([tmp_path])] == ["jang", "kim", "lee"]


def test_a_folder_of_unrelated_notebooks_and_modules_is_a_class_folder(tmp_path: Path) -> None:
    folder_of(tmp_path, a_ipynb="x = 1", b_py="x = 2\n")
    assert [p.name for p in discover([tmp_path])] == ["a.ipynb", "b.py"]
    other = folder_of(tmp_path / "two-modules", a_py="x = 1\n", b_py="x = 2\n")
    assert [p.name for p in discover([other])] == ["a.py", "b.py"]


def test_a_package_the_entry_imports_belongs_to_its_submission(tmp_path: Path) -> None:
    folder = folder_of(tmp_path / "kang", work_ipynb="from models import LeNet")
    folder_of(folder / "models", __init___py="LeNet = 1\n")
    assert discover([folder]) == [folder]
    assert read_submission(folder).cells == ["from models import LeNet"]


def test_the_cnn_basics_examples_stay_a_class_folder_of_one_submission_per_file() -> None:
    found = discover([EXAMPLES])
    files = [p for p in EXAMPLES.iterdir() if p.suffix in (".ipynb", ".py")]
    assert len(files) >= 7 and sorted(found) == sorted(files)


def test_discover_treats_a_folder_of_submissions_entry_by_entry(tmp_path: Path) -> None:
    notebook(tmp_path / "a.ipynb", "x = 1")
    (tmp_path / "b.py").write_text("x = 2\n")
    (tmp_path / "notes.txt").write_text("ignored")
    sub = tmp_path / "c"
    sub.mkdir()
    notebook(sub / "work.ipynb", "x = 3")
    assert [p.name for p in discover([tmp_path])] == ["a.ipynb", "b.py", "c"]


def test_magics_and_shell_lines_become_calls_of_the_shell_stand_in() -> None:
    code = transform(
        "%matplotlib inline\n!pip install torch\nfiles = !ls\nif True:\n    !rm -rf /\nx = 1"
    )
    assert "get_ipython().run_line_magic('matplotlib', 'inline')" in code
    assert "get_ipython().system('pip install torch')" in code
    assert "files = get_ipython().getoutput('ls')" in code
    assert "    get_ipython().system('rm -rf /')" in code
    assert code.rstrip().endswith("x = 1")


def test_a_cell_magic_hands_its_body_to_the_shell_stand_in() -> None:
    assert transform("%%bash\nrm -rf /\necho hi").startswith("get_ipython().run_cell_magic('bash'")
    assert "'x = 1\\n'" in transform("%%time\nx = 1\n")


# -- graded end to end -----------------------------------------------------------

UTILS = """
import math

def softmax(o):
    e = [math.exp(v) for v in o]
    return [v / sum(e) for v in e]

def objectives(o, y):
    mse = sum((a - b) ** 2 for a, b in zip(o, y)) / len(o)
    ce = -sum(b * math.log(a) + (1 - b) * math.log(1 - a) for a, b in zip(o, y))
    return mse, ce, -math.log(o[y.index(1)])
"""
USES_UTILS = [
    "from utils import softmax, objectives",
    "softmax_q4 = softmax([0.4, 2.0, 0.001, 0.32])\nprint(softmax_q4)",
    "mse, cross_entropy, log_likelihood = objectives([0.001, 0.9, 0.001, 0.098], [0, 0, 0, 1])",
]


def cnn_basics_q4_q5() -> Assignment:
    """cnn-basics with only Q4 and Q5 (12 points), which need no training."""
    assignment = get_assignment("cnn-basics")
    questions = [q for q in assignment.rubric.questions if q.id in ("q4", "q5")]
    return dataclasses.replace(
        assignment, rubric=assignment.rubric.model_copy(update={"questions": questions})
    )


@pytest.mark.slow
def test_answers_in_a_module_the_notebook_imports_are_graded(tmp_path: Path) -> None:
    kim = tmp_path / "kim"
    kim.mkdir()
    notebook(kim / "cnn_basics.ipynb", *USES_UTILS)
    (kim / "utils.py").write_text(UTILS)
    notebook(tmp_path / "lee.ipynb", *USES_UTILS)  # the same notebook without its module
    paths = discover([tmp_path])
    assert [p.name for p in paths] == ["kim", "lee.ipynb"]
    kim_result, lee_result = Grader(cnn_basics_q4_q5()).grade_paths(paths)
    assert kim_result.student == "kim" and kim_result.error is None
    assert kim_result.score == kim_result.max_score == 12, kim_result.notes
    assert lee_result.score == 0
    assert any("No module named 'utils'" in note for note in lee_result.notes)
