"""HTML reports: a feedback page per student and the TA's summary of the class.

Each page stands alone (inline CSS, no script, nothing fetched) and reads on a phone.
A student's page shows the expected values of public checks only: the `detail` of a
hidden check is for the TA and never reaches it. The summary's histograms are PNG files
beside it (`summary/<question>.png`), drawn with matplotlib's Agg backend.
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from html import escape
from pathlib import Path
from urllib.parse import quote

from ..i18n import _, language, ngettext
from ..judge.verdict import GRADER_ERROR, NOT_GRADED
from ..score import CheckResult, QuestionResult, SubmissionResult
from ..score.scoring import OUTPUT_KEPT
from .feedback import MARKS, check_points, status_label
from .files import write_atomic

SUMMARY = "summary.html"
FIGURES = "summary"
TOTAL_FIGURE = "_total.png"  # a question id never starts with "_"
HARDEST_SHOWN = 10

STYLE = """
:root { color-scheme: light dark; --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700;
  --muted: #6e7781; --rule: rgba(127, 127, 127, .35); --shade: rgba(127, 127, 127, .12); }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans KR",
  "Apple SD Gothic Neo", "Malgun Gothic", sans-serif; overflow-wrap: anywhere; }
main { max-width: 48rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.4rem; margin: .5rem 0; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .4rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
.total { font-size: 1.2rem; font-weight: 600; }
.muted, .detail, .convention { color: var(--muted); font-size: .9rem; }
.warn { color: var(--warn); }
ul.checks { list-style: none; padding: 0; margin: .3rem 0; }
ul.checks li { border-left: 4px solid var(--muted); padding: .2rem .6rem; margin: .4rem 0; }
ul.checks li.pass { border-color: var(--pass); }
ul.checks li.fail, ul.checks li.partial { border-color: var(--fail); }
ul.checks li.grader_error { border-color: var(--warn); }
.mark { display: inline-block; min-width: 1.2em; font-weight: 700; }
.points { font-variant-numeric: tabular-nums; white-space: nowrap; margin-right: .3rem; }
.tag { font-size: .75rem; border: 1px solid var(--rule); border-radius: .6rem;
  padding: 0 .4rem; margin-left: .3rem; white-space: nowrap; }
code { font-size: .9em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--shade);
  padding: .5rem; font-size: .85rem; max-height: 30rem; overflow-y: auto; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: .4rem 0; }
th, td { text-align: left; vertical-align: top; padding: .25rem .4rem;
  border-bottom: 1px solid var(--rule); }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: .4rem 0; }
img { max-width: 100%; height: auto; }
details summary { cursor: pointer; }
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _tag(name: str, text: str, css: str = "") -> str:
    """`text`, escaped, in one element `name` of class `css`."""
    attribute = f' class="{_e(css)}"' if css else ""
    return f"<{name}{attribute}>{_e(text)}</{name}>"


def _points(value: float) -> str:
    return f"{round(value, 2):g}"


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(language())}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


# --- a student's feedback -------------------------------------------------------------------


def _check_item(check: CheckResult) -> str:
    points = check_points(check)
    hidden = check.visibility != "public"
    parts = [
        f'<span class="mark" role="img" aria-label="{_e(status_label(check.status))}" '
        f'title="{_e(status_label(check.status))}">{_e(MARKS[check.status])}</span>',
        f'<span class="points">{_e(points)}</span>',
        f"<b>{_e(check.title)}</b>" if check.title else "",
        f"<code>{_e(check.id)}</code>",
        _tag("span", _("hidden check"), "tag") if hidden else "",
        _tag("div", _("scored by the TA") if check.reviewed else check.message),
    ]
    if check.reviewed and check.comment:
        parts.append(_tag("div", _("TA: {comment}").format(comment=check.comment), "comment"))
    # A hidden check's detail states what it expected; a grader error's names the grader's code.
    if check.detail and not hidden and check.status != GRADER_ERROR:
        text = _("Details: {detail}").format(detail=check.detail)
        parts.append(_tag("div", text, "detail"))
    if check.convention:
        text = _("Accepted convention that matched: {convention}").format(
            convention=check.convention
        )
        parts.append(_tag("div", text, "convention"))
    return f'<li class="check {_e(check.status)}">{" ".join(p for p in parts if p)}</li>'


def _question_section(question: QuestionResult) -> str:
    score = [
        _("{score} / {max_score}").format(
            score=_points(question.score), max_score=_points(question.max_score)
        )
    ]
    if question.pending_manual:
        score.append(_("pending manual: {points:g}").format(points=question.pending_manual))
    if any(check.status == GRADER_ERROR for check in question.checks):
        score.append(_("incomplete: grader error"))
    items = "\n".join(_check_item(check) for check in question.checks)
    heading = _("{question}: {title}").format(question=question.id, title=question.title)
    return (
        f'<section id="{_e(question.id)}">\n<h2>{_e(heading)}</h2>\n'
        f'<p class="qscore">{_e(" · ".join(score))}</p>\n'
        f'<ul class="checks">\n{items}\n</ul>\n</section>\n'
    )


def _total_line(result: SubmissionResult) -> str:
    total = _("Score: {score} / {max_score}").format(
        score=_points(result.score), max_score=_points(result.max_score)
    )
    extra = [reason for reason in (result.incomplete(), result.provisional()) if reason]
    if result.public_only:
        extra.append(_("public checks only"))
    if extra:
        total += f" ({'; '.join(extra)})"
    return f'<p class="total">{_e(total)}</p>\n'


def _output_section(output: str) -> str:
    if not output:
        return ""
    summary = _("What your code printed")
    if len(output) >= OUTPUT_KEPT:
        summary += " " + _("(its last {count} characters)").format(count=OUTPUT_KEPT)
    return f"<details>\n<summary>{_e(summary)}</summary>\n<pre>{_e(output)}</pre>\n</details>\n"


def feedback_html(result: SubmissionResult, name: str | None = None) -> str:
    """A student's feedback page: the total, per question one line per check, the errors of
    their cells and what their code printed. Expected values only for public checks."""
    student = (
        _("Student: {name} ({student})").format(name=name, student=result.student)
        if name
        else _("Student: {student}").format(student=result.student)
    )
    body = [f"<h1>{_e(result.assignment)}</h1>\n", f"<p>{_e(student)}</p>\n"]
    body.append(_total_line(result))
    if result.error:
        text = _("Not graded: {reason}").format(reason=result.error)
        body.append(f'<p class="warn">{_e(text)}</p>\n')
    if result.grader_error:
        text = _(
            "Not graded: a fault in the grader, not in your work, stopped the grading of "
            "this submission; your TA has been told."
        )
        body.append(f'<p class="warn">{_e(text)}</p>\n')
    if result.notes:
        notes = "\n".join(f"<li>{_e(note)}</li>" for note in result.notes)
        body.append(_tag("h2", _("While your code ran")) + f"\n<ul>\n{notes}\n</ul>\n")
    body += [_question_section(question) for question in result.questions]
    body.append(_output_section(result.output))
    title = _("{assignment}: {student}").format(
        assignment=result.assignment, student=result.student
    )
    return _page(title, "".join(body))


# --- the TA's summary -----------------------------------------------------------------------


def _figure_name(question_id: str) -> str:
    return re.sub(r"[^\w.-]", "_", question_id) + ".png"


def _histogram(path: Path, scores: Sequence[float], max_score: float) -> None:
    """A small histogram of `scores` over 0..max_score, written to `path` atomically."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 2.5), dpi=80)
    axes = figure.subplots()
    axes.hist(list(scores), bins=10, range=(0, max_score if max_score > 0 else 1))
    axes.yaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        figure.savefig(temporary, format="png")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _graded(results: Sequence[SubmissionResult]) -> list[SubmissionResult]:
    """The submissions that were read and graded: the ones the statistics count."""
    return [r for r in results if r.error is None and not r.grader_error]


def _stats_line(scores: Sequence[float]) -> str:
    if not scores:
        return _("No graded submission.")
    return _("mean {mean} · median {median} · max {max}").format(
        mean=_points(statistics.fmean(scores)),
        median=_points(statistics.median(scores)),
        max=_points(max(scores)),
    )


def _figure(src: str, alt: str) -> str:
    caption = _("horizontal: points; vertical: submissions")
    return (
        f'<figure><img src="{_e(quote(src))}" alt="{_e(alt)}" width="320" height="200">'
        f'<figcaption class="muted">{_e(caption)}</figcaption></figure>\n'
    )


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numbers: set[int]) -> str:
    """A table of escaped cells; the columns in `numbers` are right-aligned."""

    def cell(tag: str, index: int, text: str) -> str:
        css = ' class="number"' if index in numbers else ""
        return f"<{tag}{css}>{_e(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "\n".join(
        "<tr>" + "".join(cell("td", i, text) for i, text in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"


def _none() -> str:
    return _tag("p", _("None."), "muted") + "\n"


def _hardest_checks(graded: Sequence[SubmissionResult]) -> str:
    fractions: dict[tuple[str, str], list[float]] = defaultdict(list)
    titles: dict[tuple[str, str], str] = {}
    for result in graded:
        for question in result.questions:
            for check in question.checks:
                if not check.scored or check.max_score <= 0:
                    continue
                if check.status in (GRADER_ERROR, NOT_GRADED):
                    continue
                key = (question.id, check.id)
                fractions[key].append(check.score / check.max_score)
                if check.title:
                    titles.setdefault(key, check.title)
    if not fractions:
        return _none()
    ranked = sorted(fractions, key=lambda key: (statistics.fmean(fractions[key]), key))
    rows = [
        (
            f"{question} / {check}",
            titles.get((question, check), ""),
            f"{100 * statistics.fmean(fractions[(question, check)]):.0f}%",
            _("{full} of {count}").format(
                full=sum(f >= 1 for f in fractions[(question, check)]),
                count=len(fractions[(question, check)]),
            ),
        )
        for question, check in ranked[:HARDEST_SHOWN]
    ]
    headers = (_("check"), _("title"), _("mean score"), _("full marks"))
    return _table(headers, rows, numbers={2, 3})


def _written_answers(results: Sequence[SubmissionResult]) -> str:
    """Per submission, the written answers that wait for a TA (their totals are provisional)."""
    rows = [
        (
            result.student,
            str(sum(c.pending for q in result.questions for c in q.checks)),
            f"{result.pending_manual:g}",
        )
        for result in results
        if result.pending_manual
    ]
    if not rows:
        return _none()
    note = _tag("p", _("These totals are provisional: score the answers with `grade review OUT`."))
    headers = (_("student"), _("answers"), _("points pending"))
    return note + "\n" + _table(headers, rows, numbers={1, 2})


def _grader_errors(results: Sequence[SubmissionResult]) -> str:
    rows = [
        (result.student, fault.place, (fault.error.strip().splitlines() or [""])[0])
        for result in results
        for fault in result.faults()
    ]
    if not rows:
        return _none()
    return _table((_("student"), _("place"), _("error")), rows, numbers=set())


def _not_graded(results: Sequence[SubmissionResult]) -> str:
    counts: Counter[str] = Counter()
    places: dict[str, set[str]] = defaultdict(set)
    for result in results:
        for question in result.questions:
            for check in question.checks:
                if check.status == NOT_GRADED:
                    counts[check.message] += 1
                    places[check.message].add(f"{question.id} / {check.id}")
    if not counts:
        return _none()
    rows = [
        (reason, str(count), ", ".join(sorted(places[reason])))
        for reason, count in counts.most_common()
    ]
    return _table((_("reason"), _("checks"), _("where")), rows, numbers={1})


def _unreadable(results: Sequence[SubmissionResult]) -> str:
    rows = [(result.student, result.error or "") for result in results if result.error]
    if not rows:
        return _none()
    return _table((_("student"), _("why")), rows, numbers=set())


def _run_times(results: Sequence[SubmissionResult]) -> str:
    ran = sorted((r for r in results if r.error is None), key=lambda r: (-r.seconds, r.student))
    if not ran:
        return _none()
    seconds = [r.seconds for r in ran]
    line = _("min {min} s · median {median} s · max {max} s").format(
        min=f"{min(seconds):.1f}",
        median=f"{statistics.median(seconds):.1f}",
        max=f"{max(seconds):.1f}",
    )
    rows = [(r.student, f"{r.seconds:.1f}") for r in ran]
    table = _table((_("student"), _("seconds")), rows, numbers={1})
    label = _("Every submission, slowest first")
    return f"<p>{_e(line)}</p>\n<details>\n<summary>{_e(label)}</summary>\n{table}</details>\n"


def _isolation(results: Sequence[SubmissionResult]) -> str:
    held: Counter[str] = Counter()
    reported: Counter[str] = Counter()
    for result in results:
        for barrier, ok in result.isolation.items():
            reported[barrier] += 1
            held[barrier] += bool(ok)
    if not reported:
        return _tag("p", _("No run reported its isolation."), "muted") + "\n"
    items = []
    for barrier in sorted(reported):
        text = _("{barrier}: held in {held} of {runs} runs").format(
            barrier=barrier, held=held[barrier], runs=reported[barrier]
        )
        css = "" if held[barrier] == reported[barrier] else ' class="warn"'
        items.append(f"<li{css}>{_e(text)}</li>")
    return "<ul>\n" + "\n".join(items) + "\n</ul>\n"


def _scores_block(
    heading: str, scores: Sequence[float], max_score: float, figure: Path, alt: str
) -> str:
    """Statistics of `scores` and their histogram, drawn into `figure`."""
    _histogram(figure, scores, max_score)
    out_of = _("out of {max_score}").format(max_score=_points(max_score))
    return (
        _tag("h3", heading)
        + "\n"
        + _tag("p", f"{_stats_line(scores)} ({out_of})")
        + "\n"
        + _figure(f"{figure.parent.name}/{figure.name}", alt)
    )


def _summary(
    assignment: str,
    questions: Sequence[tuple[str, str, float]],
    results: Sequence[SubmissionResult],
    figures_dir: Path,
) -> tuple[str, list[Path]]:
    """The summary page and the figures it drew."""
    graded = _graded(results)
    title = _("{assignment}: class summary").format(assignment=assignment)
    count = ngettext("{count} submission", "{count} submissions", len(results)).format(
        count=len(results)
    )
    counted = _("the statistics count the {graded} that were read and graded").format(
        graded=len(graded)
    )
    total_max = max((r.max_score for r in results), default=sum(q[2] for q in questions))
    figures = [figures_dir / TOTAL_FIGURE]
    body = [
        _tag("h1", title) + "\n",
        _tag("p", f"{count}; {counted}") + "\n",
        _tag("h2", _("Scores")) + "\n",
        _scores_block(
            _("Total"),
            [r.score for r in graded],
            total_max,
            figures[0],
            _("Histogram of the totals"),
        ),
    ]
    for question_id, question_title, max_score in questions:
        scores = [q.score for r in graded for q in r.questions if q.id == question_id]
        figures.append(figures_dir / _figure_name(question_id))
        block = _scores_block(
            _("{question}: {title}").format(question=question_id, title=question_title),
            scores,
            max_score,
            figures[-1],
            _("Histogram of the scores of {question}").format(question=question_id),
        )
        body.append(f'<section id="{_e(question_id)}">\n{block}</section>\n')
    sections = (
        (_("Written answers pending"), _written_answers(graded)),
        (_("Hardest checks"), _hardest_checks(graded)),
        (_("Grader errors"), _grader_errors(results)),
        (_("Checks not graded"), _not_graded(results)),
        (_("Unreadable submissions"), _unreadable(results)),
        (_("Run time per submission"), _run_times(results)),
        (_("Isolation that held"), _isolation(results)),
    )
    body += [_tag("h2", heading) + "\n" + content for heading, content in sections]
    return _page(title, "".join(body)), figures


def summary_html(
    assignment: str,
    questions: list[tuple[str, str, float]],
    results: list[SubmissionResult],
    figures_dir: Path,
) -> str:
    """The TA's summary of a class: per question (id, title, points) its statistics and
    histogram, the hardest checks, grader errors, checks not graded, unreadable submissions,
    run times and the isolation that held. The histograms are written into `figures_dir`
    and referenced relative to its parent folder, where the page belongs."""
    return _summary(assignment, questions, results, figures_dir)[0]


def write_feedback_html(out_dir: Path, result: SubmissionResult, name: str | None) -> Path:
    """Write feedback/<student>.html; return its path."""
    path = out_dir / "feedback" / f"{result.student}.html"
    write_atomic(path, feedback_html(result, name))
    return path


def write_html_reports(
    out_dir: Path,
    assignment: str,
    questions: list[tuple[str, str, float]],
    results: list[SubmissionResult],
    names: dict[str, str] | None = None,
) -> list[Path]:
    """Write feedback/<student>.html for each submission, summary.html and its figures
    under summary/, each atomically; return the paths written."""
    names = names or {}
    written = [write_feedback_html(out_dir, r, names.get(r.student)) for r in results]
    page, figures = _summary(assignment, questions, results, out_dir / FIGURES)
    write_atomic(out_dir / SUMMARY, page)
    return [*written, out_dir / SUMMARY, *figures]
