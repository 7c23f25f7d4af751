"""The TA's review of written answers: the database, the server's access rules and API, the
CSV exchange, and the marks in every report, surviving grading and re-judging again."""

from __future__ import annotations

import csv
import json
import shutil
import socket
import sqlite3
import threading
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from graders.batch import BATCH_FILE
from graders.cli import main
from graders.i18n import speaking
from graders.review.exchange import ExchangeError, export_csv, import_csv
from graders.review.server import TOKEN_HEADER, ReviewServer, page_words, refusal
from graders.review.session import FLAGGED, SCORED, ReviewSession
from graders.review.store import DATABASE, SCHEMA_VERSION, Conflict, ReviewStore, StoreError
from graders.rubric import RubricError

from .conftest import EXAMPLES

MIDTERM = EXAMPLES.parent / "midterm-2022" / "full_marks.ipynb"
CONVERGENCE = "(5) 마지막 갱신의 미분계수가 거의 0이므로"


def write_class(folder: Path, students: list[str]) -> Path:
    """A midterm class: the full-marks notebook, handed in by each of `students`."""
    folder.mkdir(parents=True, exist_ok=True)
    for student in students:
        shutil.copy(MIDTERM, folder / f"{student}.ipynb")
    return folder


def grade_class(submissions: Path, out: Path) -> None:
    status = main([str(submissions), "--out", str(out), "-j", "2", "--budget", "fast"])
    assert status == 0


def rewrite_answer(notebook: Path, old: str, new: str) -> None:
    book = nbformat.read(str(notebook), as_version=4)
    for cell in book.cells:
        if cell.cell_type == "markdown" and old in cell.source:
            cell.source = cell.source.replace(old, new)
    nbformat.write(book, str(notebook))


def gradebook(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(submissions, OUT) of a two-student class, graded once; tests copy OUT."""
    root = tmp_path_factory.mktemp("review-class")
    submissions = write_class(root / "submissions", ["kim", "lee"])
    grade_class(submissions, root / "out")
    return submissions, root / "out"


@pytest.fixture
def out(graded: tuple[Path, Path], tmp_path: Path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(graded[1], copy)
    return copy


def item_of(session: ReviewSession, student: str, question: str):
    return next(i for i in session.items if i.student == student and i.question.id == question)


# -- the database ---------------------------------------------------------------------------


def test_the_database_is_in_wal_mode_with_a_schema_version(tmp_path: Path) -> None:
    ReviewStore(tmp_path)
    db = sqlite3.connect(tmp_path / DATABASE)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_newer_schema_or_a_foreign_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    ReviewStore(tmp_path)
    sqlite3.connect(tmp_path / DATABASE).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer dlgrade.*upgrade"):
        ReviewStore(tmp_path)
    other = tmp_path / "other"
    (other / DATABASE).parent.mkdir(parents=True)
    (other / DATABASE).write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="not a review database.*--import"):
        ReviewStore(other)


def test_a_save_made_on_an_old_version_is_refused_and_loses_nothing(tmp_path: Path) -> None:
    store = ReviewStore(tmp_path)
    first = store.save("kim", "q2.5", "argument", 4, "h", [], base_version=0)
    assert first.version == 1
    with pytest.raises(Conflict) as refused:
        store.save("kim", "q2.5", "argument", 1, "h", [], base_version=0)
    assert refused.value.current.points == 4
    assert store.mark("kim", "q2.5", "argument").points == 4
    assert store.save("kim", "q2.5", "argument", 2, "h", [], base_version=1).version == 2


def test_a_comment_edited_once_reads_the_same_for_everyone(tmp_path: Path) -> None:
    store = ReviewStore(tmp_path)
    comment = store.add_comment("q2.5", "argument", "근거가 부족합니다")
    assert store.add_comment("q2.5", "argument", "근거가 부족합니다").id == comment.id
    for student in ("kim", "lee"):
        store.save(student, "q2.5", "argument", 3, "h", [comment.id], base_version=0)
    store.edit_comment(comment.id, "미분계수를 근거로 들지 않았습니다")
    assert {m.comment for m in store.marks().values()} == {"미분계수를 근거로 들지 않았습니다"}
    with pytest.raises(StoreError):
        store.save("kim", "q1.1", "crawl", 1, "h", [comment.id], base_version=0)  # other check


def test_concurrent_saves_from_many_threads_all_land(tmp_path: Path) -> None:
    store = ReviewStore(tmp_path)
    failures: list[BaseException] = []

    def save(student: str) -> None:
        try:
            for round_ in range(5):
                ReviewStore(tmp_path).save(
                    student, "q2.5", "argument", round_, "h", [], base_version=round_
                )
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    threads = [threading.Thread(target=save, args=(f"s{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    marks = store.marks()
    assert len(marks) == 8 and {m.version for m in marks.values()} == {5}


# -- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client", "host", "token", "refused"),
    [
        ("127.0.0.1", "127.0.0.1:8000", "secret", ""),
        ("127.0.0.1", "localhost:8000", "secret", ""),
        ("::1", "127.0.0.1:8000", "secret", ""),
        ("10.1.2.3", "127.0.0.1:8000", "secret", "not from this machine"),
        ("192.168.0.7", "127.0.0.1:8000", "secret", "not from this machine"),
        ("127.0.0.1", "attacker.example:8000", "secret", "unexpected Host"),
        ("127.0.0.1", "127.0.0.1:8000", None, "no valid token"),
        ("127.0.0.1", "127.0.0.1:8000", "secreT", "no valid token"),
    ],
)
def test_who_may_use_the_page(client: str, host: str, token: str | None, refused: str) -> None:
    assert refusal(client, host, token, "secret", 8000) == refused


def _request(url: str, token: str | None = None, host: str | None = None, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST" if body is not None else "GET")
    if token:
        request.add_header(TOKEN_HEADER, token)
    if host:
        request.add_header("Host", host)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, data = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, data = exc.code, exc.read()
    try:
        return status, json.loads(data or b"null")
    except ValueError:
        return status, data.decode("utf-8")


def _outward_address() -> str | None:
    """This machine's address on its network (not loopback), where it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.fixture
def server(out: Path):
    session = ReviewSession(out)
    running = ReviewServer(session)
    running.serve_in_thread()
    yield running
    running.shutdown()
    running.server_close()
    session.close()


def test_requests_without_the_token_or_from_elsewhere_are_refused(server: ReviewServer) -> None:
    base = f"http://127.0.0.1:{server.port}"
    assert server.server_address[0] == "127.0.0.1"
    assert _request(f"{base}/api/items")[0] == 403
    assert _request(f"{base}/api/items", token="wrong")[0] == 403
    assert _request(f"{base}/?token=wrong")[0] == 403
    assert _request(f"{base}/api/items", token=server.token, host="evil.example")[0] == 403
    status, body = _request(f"{base}/api/marks", body={"index": 0, "points": 1})
    assert status == 403 and ReviewStore(server.session.out_dir).marks() == {}
    assert _request(f"{base}/api/items", token=server.token)[0] == 200
    status, page = _request(f"{base}/?token={server.token}")
    assert status == 200 and "<!doctype html>" in page
    outward = _outward_address()
    if outward is not None:  # bound to 127.0.0.1 only: the machine's own address is closed
        with pytest.raises(OSError):
            socket.create_connection((outward, server.port), timeout=3).close()


def test_the_api_saves_reports_conflicts_and_refuses_bad_scores(server: ReviewServer) -> None:
    base = f"http://127.0.0.1:{server.port}"
    token = server.token
    status, summary = _request(f"{base}/api/items", token)
    assert status == 200 and summary["left"] == len(summary["items"]) > 0
    first = summary["items"][0]
    status, item = _request(f"{base}/api/items/{first['index']}", token)
    assert item["check"]["prompt"] and item["mark"] is None
    too_many = {"index": first["index"], "points": first["points"] + 1, "version": 0}
    assert _request(f"{base}/api/marks", token, body=too_many)[0] == 400
    status, comment = _request(
        f"{base}/api/comments", token, body={"index": first["index"], "text": "잘 했습니다"}
    )
    save = {"index": first["index"], "points": 1, "version": 0, "comments": [comment["id"]]}
    status, saved = _request(f"{base}/api/marks", token, body=save)
    assert status == 200 and saved["mark"]["version"] == 1 and saved["mark"]["state"] == SCORED
    status, stale = _request(f"{base}/api/marks", token, body={**save, "points": 2})
    assert status == 409 and stale["mark"]["points"] == 1
    assert _request(f"{base}/api/items", token)[1]["left"] == summary["left"] - 1
    assert _request(f"{base}/api/items/99999", token)[0] == 404


# -- the marks in the reports ---------------------------------------------------------------


def test_marks_reach_every_report_and_the_total_is_provisional_until_all_are_given(
    out: Path,
) -> None:
    session = ReviewSession(out)
    assert session.rubric.manual_max > 0
    before = gradebook(out)["kim"]
    assert float(before["pending_manual"]) == session.rubric.manual_max
    kim = [item for item in session.items if item.student == "kim"]
    comment = session.store.add_comment(kim[0].question.id, kim[0].check.id, "키워드가 좋습니다")
    for number, item in enumerate(kim):
        ids = [comment.id] if number == 0 else []
        session.save(item, item.points if number else 1, ids, base_version=0)
    session.close()
    given = 1 + sum(item.points for item in kim[1:])
    row = gradebook(out)["kim"]
    assert float(row["pending_manual"]) == 0
    assert float(row["total"]) == pytest.approx(float(before["total"]) + given)
    assert float(gradebook(out)["lee"]["pending_manual"]) == session.rubric.manual_max
    results = json.loads((out / "results.json").read_text())
    by_student = {s["student"]: s for s in results["submissions"]}
    assert by_student["kim"]["provisional"] is False and by_student["lee"]["provisional"] is True
    feedback = (out / "feedback" / "kim.md").read_text()
    assert "키워드가 좋습니다" in feedback and "pending manual" not in feedback
    assert "pending manual" in (out / "feedback" / "lee.md").read_text()
    assert "키워드가 좋습니다" in (out / "feedback" / "kim.html").read_text()
    gradescope = json.loads((out / "gradescope" / "kim" / "results.json").read_text())
    assert gradescope["score"] == pytest.approx(float(row["total"]))
    assert any("키워드가 좋습니다" in test["output"] for test in gradescope["tests"])
    lms = (out / "lms-import.csv").read_text()
    assert "provisional" in lms.splitlines()[-1]  # lee's row


def test_marks_survive_grading_and_rejudging_and_a_changed_answer_is_flagged(
    graded: tuple[Path, Path], tmp_path: Path
) -> None:
    submissions = tmp_path / "submissions"
    shutil.copytree(graded[0], submissions)
    out = tmp_path / "out"
    shutil.copytree(graded[1], out)
    session = ReviewSession(out)
    for student in ("kim", "lee"):
        session.save(item_of(session, student, "q2.5"), 4, [], base_version=0)
    session.close()
    assert main(["rejudge", str(out)]) == 0
    assert {gradebook(out)[s]["q2.5"] for s in ("kim", "lee")} == {"4"}

    rewrite_answer(submissions / "lee.ipynb", CONVERGENCE, "(5) 잘 모르겠습니다. 손실이")
    grade_class(submissions, out)
    rows = gradebook(out)
    assert rows["kim"]["q2.5"] == "4"  # unchanged answer: its mark stands
    assert rows["lee"]["q2.5"] == "0"  # changed: flagged, its points wait again
    session = ReviewSession(out)
    assert (
        session.state(
            item_of(session, "kim", "q2.5"), session.store.mark("kim", "q2.5", "argument")
        )
        == SCORED
    )
    lee = item_of(session, "lee", "q2.5")
    assert session.state(lee, session.store.mark("lee", "q2.5", "argument")) == FLAGGED
    assert "to review again" in (out / "feedback" / "lee.md").read_text()
    session.close()


def test_anonymous_mode_shows_no_names_or_ids(out: Path) -> None:
    session = ReviewSession(out, anonymous=True)
    summary = json.dumps(session.summary(), ensure_ascii=False)
    assert "kim" not in summary and "lee" not in summary
    assert {item.label for item in session.items} == {"submission 1", "submission 2"}
    assert all(item.name is None for item in session.items)


# -- CSV ------------------------------------------------------------------------------------


def test_export_and_import_round_trip(out: Path, tmp_path: Path) -> None:
    session = ReviewSession(out)
    item = item_of(session, "kim", "q2.5")
    comment = session.store.add_comment("q2.5", "argument", "볼록성을 언급함")
    session.save(item, 3.5, [comment.id], base_version=0)
    exported = export_csv(session)
    rows = list(csv.DictReader(exported.splitlines()))
    assert rows == [
        {
            **rows[0],
            "student": "kim",
            "question": "q2.5",
            "check": "argument",
            "points": "3.5",
            "comment": "볼록성을 언급함",
            "state": SCORED,
        }
    ]
    session.close()
    other = tmp_path / "other"
    shutil.copytree(out, other)
    (other / DATABASE).unlink()
    for suffix in ("-wal", "-shm"):
        (other / DATABASE).with_name(DATABASE.name + suffix).unlink(missing_ok=True)
    file = tmp_path / "marks.csv"
    file.write_text(exported, encoding="utf-8")
    assert main(["review", str(other), "--import", str(file)]) == 0
    assert gradebook(other)["kim"]["q2.5"] == "3.5"
    imported = ReviewStore(other).mark("kim", "q2.5", "argument")
    assert imported.points == 3.5 and imported.comment == "볼록성을 언급함"


def test_a_bad_import_names_the_line_and_saves_nothing(out: Path, tmp_path: Path) -> None:
    session = ReviewSession(out)
    file = tmp_path / "marks.csv"
    file.write_text(
        "student,question,check,points\nkim,q2.5,argument,2\nlee,q2.5,argument,99\n",
        encoding="utf-8",
    )
    with pytest.raises(ExchangeError, match=r"marks\.csv: line 3: points '99'"):
        import_csv(session, file)
    file.write_text("student,question,check,points\nnobody,q2.5,argument,1\n", encoding="utf-8")
    with pytest.raises(ExchangeError, match="line 2: no written answer nobody"):
        import_csv(session, file)
    assert session.marks() == {}
    assert main(["review", str(out), "--import", str(tmp_path / "absent.csv")]) == 2
    session.close()


def test_the_page_and_the_reports_speak_the_reviewers_language(out: Path) -> None:
    with speaking("ko"):
        session = ReviewSession(out)
        server = ReviewServer(session)
        korean = page_words()
    with speaking("en"):  # what the server's threads would speak if it were not kept
        english = page_words()
        server.serve_in_thread()
        status, page = _request(f"http://127.0.0.1:{server.port}/?token={server.token}")
        server.shutdown()
        server.server_close()
        session.save(item_of(session, "kim", "q2.5"), 1, [], base_version=0)
        session.close()
    assert status == 200 and '<html lang="ko">' in page and korean["title"] in page
    assert all(korean[key] != english[key] for key in english)
    assert "조교 채점 대기" in (out / "feedback" / "kim.md").read_text(encoding="utf-8")


PROSE_ONLY = """\
# 13.
# 1) (32 + 2*2 - 5)/1 + 1 = 32 이므로 출력은 32x32x10, 매개변수는 (5*5*3 + 1) * 10 = 760개
# 2) 3x3 필터 64개, 패딩 1: 32x32x64, 매개변수는 (3*3*3 + 1) * 64 = 1792개
import numpy as np
"""


def test_work_done_by_hand_gets_back_what_the_code_missed(tmp_path: Path) -> None:
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    (submissions / "kim.py").write_text(PROSE_ONLY, encoding="utf-8")
    out = tmp_path / "out"
    arguments = [str(submissions / "kim.py"), "--out", str(out), "--assignment", "autograd"]
    assert main([*arguments, "--budget", "fast"]) == 0
    before = gradebook(out)["kim"]
    session = ReviewSession(out)
    item = next(i for i in session.items if i.check.recovers and i.question.id == "q13")
    assert item.points == item.question.auto_points  # the code earned nothing of q13
    answer, _digest = session.answer(item)
    assert answer.found and "1792" in "\n".join(b.text for b in answer.blocks)
    assert any(line.startswith("outputs-1: 0/") for line in session.recovered(item))
    session.save(item, item.points, [], base_version=0)
    session.close()
    after = gradebook(out)["kim"]
    assert float(after["q13"]) == item.question.auto_points
    assert float(after["total"]) == float(before["total"]) + item.points
    assert float(after["pending_manual"]) == float(before["pending_manual"]) - item.points


def test_a_folder_without_a_graded_class_is_a_clear_error(out: Path, tmp_path: Path) -> None:
    with pytest.raises(RubricError, match="no graded class here.*grade SUBMISSIONS --out"):
        ReviewSession(tmp_path / "empty")
    (out / BATCH_FILE).write_text("[1, 2", encoding="utf-8")
    with pytest.raises(RubricError, match=r"batch\.json: not a batch record \(JSONDecodeError\)"):
        ReviewSession(out)
    assert main(["review", str(tmp_path / "empty")]) == 2
    assert main(["rejudge", str(out)]) == 2  # the same record, read by the same function
