"""Every message a student or TA reads has its Korean form, and the rubrics speak Korean too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from graders.i18n import catalog_path, either, speaking
from graders.judge.kinds.values import ChoiceCheck, ValueCheck
from graders.judge.verdict import RunView, Seen, Verdict, grader_error
from graders.report.feedback import feedback_markdown
from graders.rubric import load_rubric
from graders.rubric.models import Rubric
from graders.score import SubmissionResult, score_question

ROOT = Path(__file__).resolve().parent.parent
RUBRICS = sorted((ROOT / "rubrics").glob("*.yaml"))
# What `pybabel extract` reads (babel.cfg) and the keywords marking a message.
METHOD_MAP = [("graders/**.py", "python")]
KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"(?<!\{)\{[^{}]*\}")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _catalog() -> Catalog:
    with catalog_path("ko").open("rb") as po:
        return read_po(po, locale="ko", domain="dlgrade")


def _messages() -> list[tuple[str, int, str | tuple[str, ...]]]:
    """Every message marked in graders/: (file, line, msgid or (singular, plural))."""
    return [
        (filename, line, message)
        for filename, line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=METHOD_MAP, keywords=KEYWORDS
        )
    ]


def _singular(message: str | tuple[str, ...]) -> str:
    return message if isinstance(message, str) else message[0]


def test_the_extraction_finds_the_check_kinds_messages() -> None:
    files = {filename for filename, _line, _message in _messages()}
    assert {"graders/judge/kinds/values.py", "graders/report/feedback.py"} <= files


def test_every_message_has_a_korean_translation() -> None:
    catalog = _catalog()
    untranslated = []
    for filename, line, message in _messages():
        entry = catalog.get(_singular(message))
        forms = [] if entry is None else entry.string
        forms = [forms] if isinstance(forms, str) else list(forms)
        if entry is None or entry.fuzzy or not forms or not all(forms):
            untranslated.append(f"{filename}:{line}: {_singular(message)!r}")
    assert not untranslated, "no Korean translation in the catalog:\n" + "\n".join(untranslated)


def test_each_translation_keeps_its_messages_placeholders() -> None:
    wrong = []
    for entry in _catalog():
        if not entry.id or not entry.string:
            continue
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        forms = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        for form in forms:
            if form and sorted(set(PLACEHOLDER.findall(form))) != wanted:
                wrong.append(f"{ids[0]!r} -> {form!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def _found(where: str, observation: dict) -> Seen:
    """What a value probe records on finding `observation` at `where`."""
    candidate = {"where": where, "value": observation}
    return Seen({"target": {"ok": True, "value": {"candidates": [candidate]}}})


def _value_check() -> tuple[ValueCheck, Seen]:
    check = ValueCheck.model_validate(
        {
            "id": "probs",
            "kind": "value",
            "points": 1,
            "visibility": "public",
            "target": {"names": ["probs"]},
            "expect": {"value": [0.25, 0.75]},
        }
    )
    found = {"type": "list", "items": [{"type": "number", "value": v} for v in (0.5, 0.5)]}
    return check, _found("`probs`", found)


def test_a_verdict_speaks_the_readers_language() -> None:
    check, seen = _value_check()
    with speaking("en"):
        english = check.judge(seen, Seen({}), RunView()).message
    with speaking("ko"):
        korean = check.judge(seen, Seen({}), RunView()).message
    assert english == "`probs`: found [0.5, 0.5], expected [0.25, 0.75]"
    assert HANGUL.search(korean) and "[0.5, 0.5]" in korean and "[0.25, 0.75]" in korean
    assert not HANGUL.search(english)


def test_a_verdict_not_found_names_the_target_in_korean() -> None:
    check, _seen = _value_check()
    with speaking("ko"):
        message = check.judge(Seen({}), Seen({}), RunView()).message
    assert HANGUL.search(message) and "`probs`" in message


def test_a_choice_verdict_and_a_grader_error_speak_korean() -> None:
    check = ChoiceCheck.model_validate(
        {
            "id": "tf",
            "kind": "choice",
            "points": 2,
            "visibility": "public",
            "target": {"names": ["answers"]},
            "expect": [True, False],
        }
    )
    given = {"type": "list", "items": [{"type": "bool", "value": v} for v in (True, True)]}
    seen = _found("`answers`", given)
    with speaking("ko"):
        choice = check.judge(seen, Seen({}), RunView()).message
        fault = grader_error("boom", "")
    with speaking("en"):
        english = check.judge(seen, Seen({}), RunView()).message
    assert english == "`answers`: 1 of 2 answers correct (wrong: 2)"
    assert HANGUL.search(choice) and "2" in choice
    assert HANGUL.search(fault.message) and fault.detail == "boom"


def test_alternatives_are_joined_in_the_readers_language() -> None:
    with speaking("en"):
        assert either(["`a`", "`b`", "`c`"]) == "`a` or `b` or `c`"
        assert either([]) == ""
    with speaking("ko"):
        assert either(["`a`", "`b`"]) == "`a` 또는 `b`"


def _rubrics() -> list[Rubric]:
    return [load_rubric(path) for path in RUBRICS]


def test_every_question_and_check_of_every_rubric_has_a_korean_title() -> None:
    assert len(RUBRICS) == 5
    missing = [
        f"{rubric.assignment} {question.id}/{check.id}"
        for rubric in _rubrics()
        for question in rubric.questions
        for check in question.checks
        if not HANGUL.search(check.title_ko or "")
    ]
    missing += [
        f"{rubric.assignment} {question.id}"
        for rubric in _rubrics()
        for question in rubric.questions
        if not HANGUL.search(question.title_ko or "")
    ]
    assert not missing, "no Korean title: " + ", ".join(missing)


def test_every_prompt_for_the_ta_has_a_korean_form() -> None:
    prompts = [
        (f"{rubric.assignment} {question.id}/{check.id}", check)
        for rubric in _rubrics()
        for question in rubric.questions
        for check in question.checks
        if hasattr(check, "prompt")
    ]
    assert len(prompts) >= 19
    missing = [place for place, check in prompts if not HANGUL.search(check.prompt_ko or "")]
    assert not missing, "no Korean prompt: " + ", ".join(missing)


@pytest.mark.parametrize("path", RUBRICS, ids=[p.stem for p in RUBRICS])
def test_scores_carry_the_title_of_the_readers_language(path: Path) -> None:
    for question in load_rubric(path).questions:
        verdicts = {check.id: Verdict(1, "ok") for check in question.checks}
        with speaking("ko"):
            korean = score_question(question, verdicts)
        with speaking("en"):
            english = score_question(question, verdicts)
        assert korean.title == question.title_ko and english.title == question.title
        for check, ko, en in zip(question.checks, korean.checks, english.checks):
            assert ko.title == check.title_ko and en.title == check.title


def test_korean_titles_survive_the_public_rubric_of_a_bundle() -> None:
    rubric = load_rubric(ROOT / "rubrics" / "cnn-basics.yaml")
    public = rubric.public_only()
    bundled = Rubric.model_validate(public.model_dump(mode="json"))
    assert [q.title_ko for q in bundled.questions] == [q.title_ko for q in public.questions]
    assert all(c.title_ko for q in bundled.questions for c in q.checks)


def test_feedback_in_korean_keeps_scores_and_check_ids() -> None:
    question = load_rubric(ROOT / "rubrics" / "cnn-basics.yaml").questions[0]
    verdicts = {check.id: Verdict(1, "ok") for check in question.checks}
    with speaking("ko"):
        scored = score_question(question, verdicts)
        result = SubmissionResult(
            student="kim",
            path="kim.ipynb",
            assignment="cnn-basics",
            score=scored.score,
            max_score=scored.max_score,
            questions=[scored],
            error="unreadable notebook",
        )
        markdown = feedback_markdown(result)
    assert f"점수: {scored.score:g} / {scored.max_score:g}" in markdown
    assert "unreadable notebook" in markdown and question.title_ko in markdown
    assert all(f"`{check.id}`" in markdown for check in question.checks)
