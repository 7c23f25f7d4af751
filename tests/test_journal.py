"""The class journal: entries survive a round trip, observations are found again by their
probes' signatures, and a batch reuses, re-judges or runs each submission as it should."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from graders import engine
from graders.assignments import Assignment, get_assignment
from graders.batch import REJUDGE, REUSE, RUN, Batch
from graders.engine import Grader
from graders.journal import Entry, Journal, Observation, content_hash, result_from_json
from graders.judge.routing import Routing
from graders.load.intake import Target
from graders.observe.runner import CellOutcome, RunResult

from .benchmarks.bench_rejudge import with_tolerance
from .test_reports import result

Q4_Q5 = '''softmax_q4 = [0.2, 0.2, 0.3, 0.3]
mse = 0.25
ce = 2.3
'''


def routing(*probes: str) -> Routing:
    out = Routing()
    for i, name in enumerate(probes):
        out.add(("q1", f"c{i}"), "x", "value", {"locator": {"names": [name]}})
    return out


def test_an_entry_reads_back_as_it_was_written(tmp_path: Path) -> None:
    run = RunResult(
        cells=[CellOutcome(0, "ok", seconds=0.5)],
        probes={"p0": {"ok": True, "value": 1.5}},
        stdout="hello\n",
        stderr="",
        seconds=1.25,
        isolation={"landlock": True},
    )
    entry = Entry(
        student="kim",
        path="/x/kim.py",
        content="abc",
        run_key="r",
        judge_key="j",
        result=result("kim"),
        name="김민수",
        intake_notes=["two submissions: kept kim.py"],
        submission={"cells": ["x = 1"], "markdown": [], "notebook": False, "error": None},
        observation=Observation.of(run, routing("x")),
    )
    journal = Journal(tmp_path)
    journal.put(entry)
    again = journal.load()["kim"]
    assert again == entry
    assert again.result.to_json() == entry.result.to_json()
    assert result_from_json(entry.result.to_json()) == entry.result


def test_observations_are_found_by_signature_under_a_reordered_rubric() -> None:
    first = routing("a", "b")
    run = RunResult([], {"p0": {"value": "of a"}, "p1": {"value": "of b"}}, "", "", 0.0)
    observation = Observation.of(run, first)
    reordered = routing("c", "b", "a")  # b and a get other ids; c was never asked
    again = observation.run_result(reordered)
    assert again.probes == {"p1": {"value": "of b"}, "p2": {"value": "of a"}}
    assert observation.unasked(reordered) == {"p0"}


def test_a_damaged_entry_is_named_and_graded_again(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.folder.mkdir(parents=True)
    journal.path("lee").write_bytes(b"{not gzipped json")
    assert journal.load() == {}
    assert len(journal.problems) == 1 and str(journal.path("lee")) in journal.problems[0]


def test_a_folders_hash_follows_its_files_and_not_its_caches(tmp_path: Path) -> None:
    (tmp_path / "kim").mkdir()
    (tmp_path / "kim" / "main.py").write_text("import util\n")
    (tmp_path / "kim" / "util.py").write_text("x = 1\n")
    before = content_hash(tmp_path / "kim")
    (tmp_path / "kim" / "__pycache__").mkdir()
    (tmp_path / "kim" / "__pycache__" / "util.cpython-311.pyc").write_bytes(b"\0")
    assert content_hash(tmp_path / "kim") == before
    (tmp_path / "kim" / "util.py").write_text("x = 2\n")
    assert content_hash(tmp_path / "kim") != before


def q4_q5(rtol: float | None = None) -> Assignment:
    """cnn-basics with only Q4 and Q5, which need no training; `rtol` for Q4's value."""
    assignment = get_assignment("cnn-basics")
    questions = [q for q in assignment.rubric.questions if q.id in ("q4", "q5")]
    assignment = dataclasses.replace(
        assignment, rubric=assignment.rubric.model_copy(update={"questions": questions})
    )
    return assignment if rtol is None else with_tolerance(assignment, rtol)


@pytest.mark.slow
def test_a_batch_reuses_rejudges_and_runs_as_the_journal_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "class"
    work.mkdir()
    (work / "kim.py").write_text(Q4_Q5)
    (work / "lee.py").write_text("softmax_q4 = [0.1, 0.2, 0.3, 0.4]\n")
    targets = [Target.of(work / "kim.py"), Target.of(work / "lee.py")]
    out = tmp_path / "out"

    first = Batch(Grader(q4_q5()), out).run(targets)
    assert first.actions == {"kim": RUN, "lee": RUN}
    assert Journal(out).load()["kim"].observation.answers

    def no_runs(*args, **kwargs):
        raise AssertionError("a submission was run")

    monkeypatch.setattr(engine, "run", no_runs)
    same = Batch(Grader(q4_q5()), out).run(targets)
    assert same.actions == {"kim": REUSE, "lee": REUSE}
    assert [r.score for r in same.results] == [r.score for r in first.results]

    loose = Batch(Grader(q4_q5(rtol=10.0)), out).run(targets)
    assert loose.actions == {"kim": REJUDGE, "lee": REJUDGE}
    lee_value = {c.id: c for c in loose.results[1].questions[0].checks}["value"]
    assert lee_value.score == lee_value.max_score  # within the loosened tolerance now
    monkeypatch.undo()

    clean = Batch(Grader(q4_q5(rtol=10.0)), tmp_path / "clean").run(targets)
    assert [r.to_json()["questions"] for r in clean.results] == [
        r.to_json()["questions"] for r in loose.results
    ]

    (work / "lee.py").write_text(Q4_Q5)
    changed = Batch(Grader(q4_q5(rtol=10.0)), out).run(targets)
    assert changed.actions == {"kim": REUSE, "lee": RUN}
