"""The HTML reports in a real browser (headless Chromium): they load without errors, show
every question, draw every image, and fit a phone's width."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graders.i18n import speaking
from graders.report.html import write_html_reports

from .conftest import BROWSER_MARKS
from .test_html_reports import QUESTIONS, everyone

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("reports")
    write_html_reports(out, "softmax-lab", QUESTIONS, everyone(), {"kim": "김민준"})
    return [out / "summary.html", *sorted((out / "feedback").glob("*.html"))]


def _visit(browser, path: Path, viewport: dict[str, int]) -> dict:
    """Open `path` at `viewport`: what it logged as errors and what it shows."""
    page = browser.new_page(viewport=viewport)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed to load {r.url}"))
    page.on("dialog", lambda d: errors.append(f"a dialog opened: {d.message}"))
    page.goto(path.as_uri(), wait_until="load")
    seen = page.evaluate(
        """() => ({
            text: document.body.innerText,
            images: [...document.images].map(i => [i.getAttribute('src'), i.naturalWidth]),
            scrollWidth: document.documentElement.scrollWidth,
            lang: document.documentElement.lang,
            scripts: document.scripts.length,
            printed: [...document.querySelectorAll('details pre')].map(p => p.textContent),
        })"""
    )
    page.close()
    return {**seen, "errors": errors}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_page_loads_cleanly_and_fits_the_screen(browser, pages, viewport):
    for path in pages:
        seen = _visit(browser, path, viewport)
        assert seen["errors"] == [], path.name
        assert seen["lang"] == "en"
        for question_id, _title, _points in QUESTIONS:
            assert question_id in seen["text"], path.name
        assert seen["scrollWidth"] <= viewport["width"] + 1, path.name


def test_the_summary_draws_every_histogram(browser, pages):
    seen = _visit(browser, pages[0], PHONE)
    assert len(seen["images"]) == len(QUESTIONS) + 1
    assert all(width > 0 for _src, width in seen["images"]), seen["images"]


def test_a_students_printed_output_stays_text(browser, pages):
    hostile = next(p for p in pages if p.name == "jung.html")
    seen = _visit(browser, hostile, PHONE)
    assert seen["scripts"] == 0
    assert seen["printed"][0].startswith("<script>alert(1)</script>\n")
    assert seen["errors"] == []


@pytest.fixture(scope="module")
def korean_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("reports-ko")
    with speaking("ko"):
        write_html_reports(out, "softmax-lab", QUESTIONS, everyone(), {"kim": "김민준"})
    return [out / "summary.html", *sorted((out / "feedback").glob("*.html"))]


def test_the_korean_pages_speak_korean(browser, korean_pages):
    for path in korean_pages:
        seen = _visit(browser, path, PHONE)
        assert seen["errors"] == [], path.name
        assert seen["lang"] == "ko"
        assert re.search(r"[\uac00-\ud7a3]{2,}", seen["text"]), path.name
        assert all(width > 0 for _src, width in seen["images"]), seen["images"]
        for question_id, _title, _points in QUESTIONS:
            assert question_id in seen["text"], path.name
