"""Finding the written answer a TA reads for a manual check: the order of a notebook's cells
kept in the journal, the question found by its number or its title, the markdown, comments,
output and figures under it, and the nearest cells where nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from graders.assignments import PROJECT_ROOT, get_assignment
from graders.i18n import speaking
from graders.journal import Entry, Journal, Observation, content_hash, submission_record
from graders.judge.kinds.text import ManualCheck
from graders.load.submissions import read_submission
from graders.review import answers
from graders.review.answers import Block, answer_text, find_answer
from graders.review.document import Document
from graders.score import SubmissionResult

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"  # a figure, as stored
EXAMPLES = PROJECT_ROOT / "submissions_example"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The `where` lines asserted here are the English ones."""
    with speaking("en"):
        yield


def check(collect: str = "") -> ManualCheck:
    return ManualCheck(id="explanation", kind="manual", points=2, prompt="why", collect=collect)


def write_notebook(path: Path, *cells: str) -> Path:
    """A notebook of `cells`: markdown, or code where a cell starts with "code:"."""
    notebook = new_notebook()
    for cell in cells:
        if cell.startswith("code:"):
            notebook.cells.append(new_code_cell(cell.removeprefix("code:")))
        else:
            notebook.cells.append(new_markdown_cell(cell))
    nbformat.write(notebook, str(path))
    return path


def outcome(index: int, output: str = "", figures: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"index": index, "status": "ok", "output": output, "figures": list(figures)}


def entry_of(path: Path, outcomes: list[dict[str, Any]] | None = None, stdout: str = "") -> Entry:
    """A journal entry of the submission at `path`, as a batch keeps it, with a run whose
    code cells printed and drew `outcomes` (every cell ran, printing nothing, where None)."""
    submission = read_submission(path)
    if outcomes is None:
        outcomes = [outcome(k) for k in range(len(submission.cells))]
    observation = Observation(
        answers={},
        asked=[],
        cells=outcomes,
        stdout=stdout,
        stderr="",
        seconds=1.0,
        stopped=None,
        isolation={},
    )
    return Entry(
        student=submission.student,
        path=str(path),
        content=content_hash(path),
        run_key="r",
        judge_key="j",
        result=SubmissionResult(submission.student, str(path), "hw", 0.0, 2.0, []),
        submission=submission_record(submission),
        observation=observation,
    )


def answer(entry: Entry, question: str, title: str = "", title_ko: str | None = None) -> Any:
    return find_answer(Document.from_entry(entry), question, title, check(), title_ko)


# -- the order of a notebook's cells, kept in the journal -----------------------------------


def test_a_notebooks_cells_keep_their_order_and_a_modules_none(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "kim.ipynb", "# HW", "code:x = 1", "answer", "code:y = 2")
    assert read_submission(path).order == ["markdown", "code", "markdown", "code"]
    module = tmp_path / "lee.py"
    module.write_text("# header\n# %%\nx = 1\n", encoding="utf-8")
    assert read_submission(module).order == []


def test_the_order_survives_the_journal_and_an_entry_kept_before_it_still_loads(
    tmp_path: Path,
) -> None:
    path = write_notebook(tmp_path / "kim.ipynb", "# HW", "code:x = 1")
    entry = entry_of(path)
    journal = Journal(tmp_path / "out")
    journal.put(entry)
    assert journal.load()["kim"].stored_submission().order == ["markdown", "code"]
    old = entry.to_json()
    del old["submission"]["order"]
    again = Entry.from_json(old)
    assert again.stored_submission().order == []
    assert again.stored_submission().cells == ["x = 1"]


def test_an_old_entry_takes_the_order_from_its_unchanged_notebook(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "kim.ipynb", "## 1. Activations", "code:print(1)", "The sigmoid saturates."
    )
    entry = entry_of(path)
    del entry.submission["order"]
    document = Document.from_entry(entry)
    assert [c.kind for c in document.cells] == ["markdown", "code", "markdown"]
    assert document.ordered

    path.write_text(path.read_text(encoding="utf-8").replace("saturates", "flattens"))
    document = Document.from_entry(entry)  # changed since: the order is not known
    assert [c.kind for c in document.cells] == ["markdown", "markdown", "code"]
    assert not document.ordered
    found = find_answer(document, "q1", "", check())
    assert "the cell order was not kept" in found.where


# -- finding the answer ------------------------------------------------------------------


def test_a_korean_heading_opens_markdown_code_comments_output_and_figures(
    tmp_path: Path,
) -> None:
    path = write_notebook(
        tmp_path / "kim.ipynb",
        "# 딥러닝 과제\n학번: 2023",
        "## 1번. 활성화 함수",
        "code:# 시그모이드의 도함수를 그린다\nplt.plot(z, d(z))\n# plt.show()",
        "해석: 시그모이드의 도함수는 0.25를 넘지 않아 그레이디언트가 소실된다.",
        "## 2번. 역전파",
        "code:print(grad)",
    )
    entry = entry_of(path, [outcome(0, "done\n", (PNG,)), outcome(1, "[1. 1.]\n")])
    found = answer(entry, "q1")
    assert found.found
    assert found.where == "under “## 1번. 활성화 함수” in cell 2"
    assert found.blocks == [
        Block("markdown", "## 1번. 활성화 함수", 2),
        Block("comment", "시그모이드의 도함수를 그린다", 3),  # not the commented-out call
        Block("output", "done\n", 3),
        Block("figure", PNG, 3),
        Block(
            "markdown", "해석: 시그모이드의 도함수는 0.25를 넘지 않아 그레이디언트가 소실된다.", 4
        ),
    ]


def test_q_style_english_answers_end_at_the_next_question(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "kim.ipynb",
        "**Q1.** The sigmoid's derivative is at most 0.25, so gradients vanish.",
        "code:x = 1",
        "**Q2.** The loss goes down.",
    )
    found = answer(entry_of(path), "q1")
    assert found.found
    assert found.blocks == [
        Block(
            "markdown", "**Q1.** The sigmoid's derivative is at most 0.25, so gradients vanish.", 1
        )
    ]


def test_a_part_is_found_in_its_question_and_ends_at_the_next_part(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "kim.ipynb",
        "## 문제 1",
        "(5) 문제 1의 다섯째 물음: 이것은 답이 아니다.",
        "## 문제 2",
        "code:print(w.grad)",
        "문제 2 (4)\n10회 더 학습했다.",
        "문제 2 (5)\n마지막 미분계수가 거의 0이므로 잘 수렴했다.\n\n## 문제 3\n1. X  2. O",
    )
    found = answer(entry_of(path), "q2.5")
    assert found.found
    assert found.where.startswith("under “문제 2 (5)” in cell 6")
    assert found.blocks == [
        Block("markdown", "문제 2 (5)\n마지막 미분계수가 거의 0이므로 잘 수렴했다.", 6)
    ]


def test_a_bare_part_number_is_taken_in_its_questions_part_of_the_document(
    tmp_path: Path,
) -> None:
    path = write_notebook(
        tmp_path / "kim.ipynb",
        "## 1. CAM",
        "(5) 이것은 1번의 다섯째 물음이다.",
        "## 2. 회귀",
        "(4) 10회 더 학습했다.",
        "code:print(loss)",
        "(5) 미분값이 0에 가까우므로 수렴했다.",
        "(6) 다음 물음",
    )
    entry = entry_of(path, [outcome(0, "tensor(0.2500)\n")])
    found = answer(entry, "q2.5")
    assert found.found
    assert found.blocks == [Block("markdown", "(5) 미분값이 0에 가까우므로 수렴했다.", 6)]
    assert answer(entry, "q2.4").blocks == [
        Block("markdown", "(4) 10회 더 학습했다.", 4),
        Block("output", "tensor(0.2500)\n", 5),
    ]


@pytest.mark.parametrize(
    "form",
    [
        "Q{n}",
        "Question {n}:",
        "문제 {n}",
        "{n}.",
        "{n}번",
        "({n})",
        "[{n}]",
        "## {n}",
        "### {n}. 제목",
    ],
)
def test_each_form_of_a_question_number_names_its_question(tmp_path: Path, form: str) -> None:
    cells = []
    for n in (1, 2, 3):
        cells += [form.format(n=n), f"code:x{n} = {n}", f"answer number {n}, in words"]
    path = write_notebook(tmp_path / "kim.ipynb", *cells)
    found = answer(entry_of(path), "q2")
    assert found.found
    texts = [b.text for b in found.blocks if b.kind == "markdown"]
    assert texts == [form.format(n=2), "answer number 2, in words"]


@pytest.mark.parametrize(
    "form",
    ["q2.{m}", "Q2.{m}", "2-{m}", "2.({m})", "2. ({m})", "문제 2 ({m})", "2번 ({m})", "2-({m}):"],
)
def test_each_form_of_a_part_number_names_its_part(tmp_path: Path, form: str) -> None:
    cells = []
    for m in (4, 5, 6):
        cells += [form.format(m=m), f"code:y{m} = {m}", f"part {m} answered here"]
    path = write_notebook(tmp_path / "kim.ipynb", *cells)
    found = answer(entry_of(path), "q2.5")
    assert found.found
    texts = [b.text for b in found.blocks if b.kind == "markdown"]
    assert texts == [form.format(m=5), "part 5 answered here"]


def test_numbered_lines_in_a_row_are_a_list_not_questions(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "kim.ipynb",
        "## 3. What I changed",
        "Three things:\n\n1. smaller filters\n2. batch norm\n3. Adam",
        "## 4. Softmax",
    )
    found = answer(entry_of(path), "q3")
    assert found.blocks == [
        Block("markdown", "## 3. What I changed", 1),
        Block("markdown", "Three things:\n\n1. smaller filters\n2. batch norm\n3. Adam", 2),
    ]
    assert answer(entry_of(path), "q2").found is False


def test_an_answer_in_comments_only_is_found(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "kim.ipynb",
        "## 3",
        "code:# 답: requires_grad가 없어서 그레이디언트가 남지 않는다.\n"
        "# loss.backward()\nloss = f(x)\n\n\n"
        'def f(x):\n    """x의 제곱합."""\n    return (x**2).sum()',
        "## 4",
    )
    found = answer(entry_of(path), "q3")
    assert found.found
    assert found.blocks == [
        Block("markdown", "## 3", 1),
        Block("comment", "답: requires_grad가 없어서 그레이디언트가 남지 않는다.\nx의 제곱합.", 2),
    ]


def test_a_question_named_by_its_title_only_is_found_by_its_words(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "kim.ipynb",
        "# My homework",
        "## 활성화 함수와 수치 미분",
        "code:plot()",
        "계단함수는 미분할 수 없고 시그모이드는 포화된다.",
    )
    found = answer(
        entry_of(path),
        "q1",
        "activation functions, their derivatives, and the numerical derivative",
        "활성함수와 그 도함수, 그리고 수치 미분",
    )
    assert found.found
    assert (
        found.where == "under “## 활성화 함수와 수치 미분” in cell 2, found by the question's title"
    )
    assert [b.cell for b in found.blocks] == [2, 4]


def test_nothing_written_shows_the_nearest_cells_of_the_end(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "kim.ipynb",
        "# HW",
        "code:a = 1",
        "code:b = 2",
        "the last words",
        "code:print(a + b)",
    )
    entry = entry_of(path, [outcome(0), outcome(1), outcome(2, "3\n")])
    found = answer(entry, "q4", "the MNIST CNN")
    assert not found.found
    assert found.where == "no written answer found near question q4; nearest cells shown"
    assert found.blocks == [
        Block("markdown", "# HW", 1),
        Block("markdown", "the last words", 4),
        Block("code", "print(a + b)", 5),
        Block("output", "3\n", 5),
    ]


def test_a_question_left_unanswered_shows_its_cells_and_says_so(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "kim.ipynb",
        "## Part V. CIFAR-10 open-ended challenge",
        "code:# TODO: Experiment with any architectures\nmodel = None",
        "### Describe what you did\nTODO",
        "code:best_model = None",
    )
    found = answer(entry_of(path), "q7", "Part V: the open-ended CIFAR-10 challenge")
    assert not found.found
    assert found.where.startswith("nothing written after “## Part V. CIFAR-10 open-ended")
    assert [(b.kind, b.cell) for b in found.blocks] == [
        ("markdown", 1),
        ("code", 2),
        ("markdown", 3),
    ]


def test_a_rubric_pattern_collects_the_matching_markdown(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "kim.ipynb", "## 1", "Answer: the loss goes down.", "code:x = 1", "notes"
    )
    document = Document.from_entry(entry_of(path))
    found = find_answer(document, "q1", "", check(collect=r"^answer:"))
    assert found.found and found.blocks == [Block("markdown", "Answer: the loss goes down.", 2)]
    missing = find_answer(document, "q1", "", check(collect=r"^해석"))
    assert not missing.found
    assert "no markdown cell matches the rubric's pattern ^해석" in missing.where


def test_a_module_answers_in_comment_cells_and_its_cells_output(tmp_path: Path) -> None:
    module = tmp_path / "park.py"
    module.write_text(
        "# Autograd report\n"
        "# %%\nimport torch\n"
        "# %% [markdown]\n# 4-2\n# 학습률이 너무 높아 학습이 되지 않는다.\n"
        "# %%\n#5\n# autograd로 그레이디언트를 구한다\nloss.backward()\n"
        "# %%\nprint(loss)\n"
        "# %% [markdown]\n# 5-2\n# 4번과 결과가 같다.\n",
        encoding="utf-8",
    )
    entry = entry_of(module, [outcome(0), outcome(1, "ok\n"), outcome(2, "tensor(3.)\n")])
    document = Document.from_entry(entry)
    assert [c.kind for c in document.cells] == [
        "markdown",
        "code",
        "markdown",
        "code",
        "code",
        "markdown",
    ]
    assert answer(entry, "q4").blocks == [
        Block("markdown", "4-2\n학습률이 너무 높아 학습이 되지 않는다.", 3)
    ]
    assert answer(entry, "q5").blocks == [
        Block("comment", "autograd로 그레이디언트를 구한다", 4),  # "#5" names it, says nothing
        Block("output", "ok\n", 4),
        Block("output", "tensor(3.)\n", 5),
        Block("markdown", "5-2\n4번과 결과가 같다.", 6),
    ]


def test_a_run_kept_before_cells_had_their_output_shows_the_runs(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "kim.ipynb", "## 1", "code:print(2)", "two")
    entry = entry_of(path, [{"index": 0, "status": "ok"}], stdout="2\n")
    assert answer(entry, "q1").blocks[-1] == Block("output", "2\n", None)


# -- limits, preference, and the text that is hashed ----------------------------------------


def test_the_limits_keep_the_answer_first_and_say_it_was_shortened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_notebook(
        tmp_path / "kim.ipynb", "## 1", "code:train()", "결과: 손실이 줄어든다.", "code:plot()"
    )
    long = "epoch 1 loss 2.3\n" * 500
    entry = entry_of(path, [outcome(0, long), outcome(1, "", (PNG, PNG, PNG))])
    found = answer(entry, "q1")
    output = next(b.text for b in found.blocks if b.kind == "output")
    assert len(output) <= answers.MAX_OUTPUT and answers.CUT in output
    assert found.where.endswith("; shortened to fit the page")

    monkeypatch.setattr(answers, "MAX_BLOCKS", 1)
    assert answer(entry, "q1").blocks == [Block("markdown", "결과: 손실이 줄어든다.", 3)]
    monkeypatch.setattr(answers, "MAX_BLOCKS", 24)
    monkeypatch.setattr(answers, "MAX_FIGURES", 2)
    assert [b.kind for b in answer(entry, "q1").blocks].count("figure") == 2


def test_the_answers_text_leaves_figures_out_and_follows_the_words(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "kim.ipynb", "## 1", "code:plot()", "It saturates.")
    first = answer(entry_of(path, [outcome(0, "ok\n", (PNG,))]), "q1")
    assert answer_text(first) == "## 1\n\nok\n\n\nIt saturates."
    other_figure = answer(entry_of(path, [outcome(0, "ok\n", ("AAAA",))]), "q1")
    assert answer_text(other_figure) == answer_text(first)
    write_notebook(path, "## 1", "code:plot()", "It does not saturate.")
    assert answer_text(answer(entry_of(path), "q1")) != answer_text(first)


# -- the examples -----------------------------------------------------------------------

# What each example written as in the course documents holds, by question: a phrase of the
# written answer the TA must see (None: the document has no answer there, only no crash).
IN_THE_DOCUMENTS = {
    "ann-cnn-lab": {
        "or-perceptron": None,  # named by no number nor title: the nearest cells are shown
        "cross-entropy": "= 0.154901",
        "conv-output-size": "(7 - 3) / 1 + 1 = 5",
    },
    "autograd": {
        "q1": "활성함수 4가지",
        "q2.3": "forward 연산이 진행",
        "q3": "requires_grad",
        "q4": "학습률이 너무 높기",
        "q5": "4번과 동일한 역할",
        "q7": "6번과는 다른 방식으로",
        "q9": "loss의 값이 0으로 수렴",
        "q10": None,
        "q11": "MSE를 이용하여 손실을 구하였다",
        "q12": None,
        "q13": "(5*5*3)*10+10 = 760",
        "q14": None,
    },
    "cnn-basics": {"q1": "코드의 해석과 결과의 의미", "q2": "1번의 기초적인 신경망"},
    "midterm-2022": {
        "q1.1": "크롤링",
        "q1.2": "ImageDataLoaders.from_folder",
        "q1.3": "resnet34",
        "q1.4": "CAM",
        "q2.5": "미분계수가 거의 0이므로",
    },
    "pytorch-apis": {"q7": "3x3으로 변경"},
}


@cache
def manual_checks(assignment: str) -> list[tuple[Any, ManualCheck]]:
    rubric = get_assignment(assignment).rubric
    return [(q, c) for q in rubric.questions for c in q.checks if isinstance(c, ManualCheck)]


@pytest.mark.parametrize("assignment", sorted(IN_THE_DOCUMENTS))
def test_every_manual_check_of_an_example_as_in_the_documents(assignment: str) -> None:
    (path,) = sorted((EXAMPLES / assignment).glob("as_in_the_document.*"))
    document = Document.from_entry(entry_of(path, []))
    expected = IN_THE_DOCUMENTS[assignment]
    checks = manual_checks(assignment)
    assert {q.id for q, _c in checks} == set(expected)
    for question, manual in checks:
        found = find_answer(document, question.id, question.title, manual, question.title_ko)
        assert found.where and len(found.blocks) <= answers.MAX_BLOCKS
        phrase = expected[question.id]
        if phrase is not None:
            assert found.found, (question.id, found.where)
            assert phrase in answer_text(found), (question.id, answer_text(found)[:300])


def test_every_example_and_realistic_submission_reads_without_error() -> None:
    paths = sorted(EXAMPLES.glob("*/*.*")) + sorted(
        (PROJECT_ROOT / "tests/realistic").glob("*/*.*")
    )
    paths = [p for p in paths if p.suffix in (".ipynb", ".py")]
    assert len(paths) > 40
    for path in paths:
        document = Document.from_entry(entry_of(path, []))
        for question, manual in manual_checks(path.parent.name):
            found = find_answer(document, question.id, question.title, manual, question.title_ko)
            assert not found.found or any(b.kind in ("markdown", "comment") for b in found.blocks)
            text = sum(len(b.text) for b in found.blocks if b.kind != "figure")
            assert text <= answers.MAX_CHARS, path
