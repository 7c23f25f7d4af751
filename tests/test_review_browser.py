"""`grade review` end to end: the real command serves a graded class, headless Chromium
scores its written answers by keyboard, reuses a comment, reloads, and two browser sessions
save at the same time without losing a score."""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graders.review.session import ReviewSession
from graders.review.store import ReviewStore

from .conftest import BROWSER_MARKS
from .test_pages_browser import DESKTOP
from .test_review import grade_class, write_class

pytestmark = BROWSER_MARKS
URL = re.compile(r"review page: (http://127\.0\.0\.1:\d+/\?token=\S+)")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("review-browser")
    grade_class(write_class(root / "submissions", ["kim", "lee"]), root / "out")
    return root / "out"


@pytest.fixture
def out(graded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(graded, copy)
    return copy


class Review:
    """`grade review OUT` running as the TA runs it."""

    def __init__(self, out: Path) -> None:
        command = [sys.executable, "-m", "graders", "review", str(out), "--lang", "en"]
        env = {**os.environ, "COLUMNS": "400"}  # the address on one line
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        self.lines: list[str] = []
        for line in self.process.stdout:
            self.lines.append(line)
            if match := URL.search(line):
                self.url = match.group(1)
                return
        raise AssertionError("grade review printed no address:\n" + "".join(self.lines))

    def stop(self) -> str:
        """End it as Ctrl-C would; what it printed."""
        self.process.send_signal(signal.SIGTERM)
        rest, _ = self.process.communicate(timeout=60)
        assert self.process.returncode == 0, rest
        return "".join(self.lines) + rest


@pytest.fixture
def review(out: Path) -> Iterator[Review]:
    running = Review(out)
    yield running
    if running.process.poll() is None:
        running.process.kill()


def open_page(browser, url: str, errors: list[str]):
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("#who")
    return page


def shows(page, index: int) -> None:
    page.wait_for_function(f"() => location.hash === '#{index}'")


def saved(page) -> None:
    page.wait_for_function("() => document.querySelector('#status').textContent === 'saved'")


def test_scoring_by_keyboard_with_a_reused_comment_is_kept_and_reaches_the_gradebook(
    browser, review: Review, out: Path
) -> None:
    session = ReviewSession(out)
    items = session.items
    assert len(items) >= 6
    scores = [min(index % 3 + 1, int(item.points)) for index, item in enumerate(items)]
    errors: list[str] = []
    page = open_page(browser, review.url, errors)

    page.fill("#new-comment", "설명이 정확합니다")
    page.press("#new-comment", "Enter")
    page.wait_for_selector("#comments input:checked")
    page.press("#new-comment", "Escape")
    page.keyboard.press(str(scores[0]))
    saved(page)
    page.keyboard.press("j")
    shows(page, 1)
    page.keyboard.press("Shift+Digit1")  # the comment written for the first answer
    page.keyboard.press(str(scores[1]))
    saved(page)
    for index in range(2, len(items)):
        page.keyboard.press("ArrowRight")
        shows(page, index)
        page.keyboard.press(str(scores[index]))
        saved(page)
    assert page.text_content("#left") == f"0 of {len(items)} left"

    page.reload()
    page.wait_for_selector("#who")
    shows(page, len(items) - 1)
    assert page.input_value("#score") == str(scores[-1])
    for index in range(len(items) - 2, -1, -1):
        page.keyboard.press("k")
        shows(page, index)
        assert page.input_value("#score") == str(scores[index])
    assert page.is_checked("#comments input")  # the first answer's comment, kept
    page.keyboard.press("j")
    shows(page, 1)
    assert page.is_checked("#comments input")  # reused on the second
    assert errors == []

    printed = review.stop()
    assert "the reports in" in printed
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    for student in ("kim", "lee"):
        given = sum(s for s, item in zip(scores, items) if item.student == student)
        assert float(rows[student]["pending_manual"]) == 0
        assert float(rows[student]["total"]) == pytest.approx(
            session.rubric.auto_max + given
        )  # the full-marks notebook: every automatic point, and the TA's
    feedback = (out / "feedback" / "lee.md").read_text(encoding="utf-8")
    assert "설명이 정확합니다" in feedback and "pending manual" not in feedback
    session.close()


def test_two_browser_sessions_saving_at_once_lose_nothing(
    browser, review: Review, out: Path
) -> None:
    items = ReviewSession(out).items
    half = len(items) // 2
    errors: list[str] = []
    first = open_page(browser, review.url, errors)
    second = open_page(browser, review.url + f"#{half}", errors)
    shows(second, half)
    for offset in range(half):
        for page, index in ((first, offset), (second, half + offset)):
            if offset:
                page.keyboard.press("j")
                shows(page, index)
            page.keyboard.press("1")
        saved(first)
        saved(second)
    store = ReviewStore(out)
    marks = store.marks()
    assert len(marks) == 2 * half
    assert {mark.points for mark in marks.values()} == {1}

    # Both open the first answer; the first saves again, then the second, on what it read.
    for _ in range(half - 1):
        first.keyboard.press("k")
    shows(first, 0)
    second.goto(review.url + "#0")
    second.wait_for_selector("#who")
    shows(second, 0)
    first.keyboard.press("2")
    saved(first)
    second.keyboard.press("0")
    second.wait_for_function(
        "() => document.querySelector('#status').textContent.startsWith('another TA')"
    )
    assert second.input_value("#score") == "2"  # the other TA's score is shown, and kept
    assert store.mark(*items[0].key).points == 2
    second.keyboard.press("0")  # knowingly, on top of it
    saved(second)
    assert store.mark(*items[0].key).points == 0
    assert [e for e in errors if "409 (Conflict)" not in e] == []  # the refused save is logged
