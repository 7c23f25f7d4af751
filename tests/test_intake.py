"""Class intake: LMS downloads (files, folders, zip archives) and a roster into the entries to
grade, built from zips written here; nothing runs in the sandbox."""

from __future__ import annotations

import io
import os
import stat
import struct
import time
import unicodedata
import zipfile
import zlib
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from graders.load.intake import (
    Intake,
    Key,
    RosterError,
    RosterStudent,
    archives,
    copy_at_most,
    intake,
    member_name,
    name_forms,
    read_key,
    read_roster,
    safe_parts,
)

NOTEBOOK = nbformat.writes(new_notebook(cells=[new_code_cell("x = 1")]))
MARCH_1 = (2026, 3, 1, 10, 0, 0)


def make_zip(
    path: Path, members: dict[str, str | bytes], times: dict[str, tuple] | None = None
) -> Path:
    """A zip of `members` (name -> content), each dated MARCH_1 unless `times` says else."""
    with zipfile.ZipFile(path, "w") as zipped:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, date_time=(times or {}).get(name, MARCH_1))
            info.compress_type = zipfile.ZIP_DEFLATED
            zipped.writestr(info, content)
    return path


def zip_bytes(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, content in members.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


def patch_headers(path: Path, **fields: int) -> None:
    """Overwrite fields of every local and central header of the zip at `path`: `flag`,
    `crc`, `size` (the declared unpacked size)."""
    data = bytearray(path.read_bytes())
    offsets = {  # field -> (offset in a local header, in a central header, format)
        "flag": (6, 8, "<H"),
        "crc": (14, 16, "<I"),
        "size": (22, 24, "<I"),
    }
    for signature, column in ((b"PK\x03\x04", 0), (b"PK\x01\x02", 1)):
        start = data.find(signature)
        while start != -1:
            for name, value in fields.items():
                struct.pack_into(offsets[name][2], data, start + offsets[name][column], value)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))


def write_roster(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def summary(result: Intake, scratch: Path) -> list[tuple]:
    """Each entry as (student, name, path under scratch or its name, notes)."""
    return [
        (
            e.student,
            e.name,
            e.path.relative_to(scratch).as_posix() if e.path.is_relative_to(scratch) else e.path,
            e.notes,
        )
        for e in result.entries
    ]


# --- LMS layouts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "key"),
    [
        (["김민수_12345_assignsubmission_file_"], Key("김민수", name="김민수", lms_id="12345")),
        (
            ["Jane Doe_777_assignsubmission_onlinetext_"],
            Key("Jane Doe", name="Jane Doe", lms_id="777"),
        ),
        (
            ["lastname_firstname_12345_67890_hw1"],
            Key("lastname_firstname", lms_id="12345", file="hw1"),
        ),
        (
            ["kimminsu_late_12345_67890_hw1-1"],
            Key("kimminsu", lms_id="12345", resubmission=1, file="hw1"),
        ),
        (
            ["kimminsu_12345_67890_my-hw1-2"],
            Key("kimminsu", lms_id="12345", resubmission=2, file="my-hw1"),
        ),
        (
            ["HW_1_s20231234_attempt_2026-03-01-10-20-30_hw1"],
            Key("s20231234", attempt="2026-03-01-10-20-30", file="hw1"),
        ),
        (
            ["HW1_s20231234_attempt_2026-03-01-10-20-30"],
            Key("s20231234", attempt="2026-03-01-10-20-30"),
        ),
        (["parkjisoo_12350_67900_hw1", "hw1"], Key("parkjisoo", lms_id="12350", file="hw1")),
        (["kim", "hw1"], Key("kim")),
        (["Kim Min-su (2)"], Key("Kim_Min-su_2")),
    ],
)
def test_lms_layouts_read_the_key_from_the_outermost_name_they_know(
    labels: list[str], key: Key
) -> None:
    assert read_key(labels) == key


def test_names_match_across_case_spaces_order_and_normalization() -> None:
    assert name_forms("kim_minsu") & name_forms("Minsu Kim")
    assert name_forms("Mary Ann SMITH") & name_forms("smith_mary_ann")
    assert name_forms("김 민수") == name_forms("김민수") == {"김민수"}
    assert name_forms(unicodedata.normalize("NFD", "김민수")) == {"김민수"}
    assert not name_forms("김민수") & name_forms("민수 김")  # Korean names keep their order
    assert not name_forms("Minsu Kim") & name_forms("Minsu Lee")


# --- Layouts end to end ---------------------------------------------------------------------


def test_a_moodle_download_with_korean_names_gives_one_entry_per_folder(tmp_path: Path) -> None:
    nfd_name = unicodedata.normalize("NFD", "이지은")
    download = make_zip(
        tmp_path / "moodle.zip",
        {
            "김민수_12345_assignsubmission_file_/hw1.ipynb": NOTEBOOK,
            f"{nfd_name}_12346_assignsubmission_file_/hw1.py": "x = 1\n",
            "Jane Doe_12347_assignsubmission_file_/hw1.ipynb": NOTEBOOK,
            "__MACOSX/Jane Doe_12347_assignsubmission_file_/._hw1.ipynb": "junk",
        },
    )
    scratch = tmp_path / "scratch"
    result = intake([download], scratch)
    assert summary(result, scratch) == [
        ("Jane_Doe", "Jane Doe", "0/moodle/Jane Doe_12347_assignsubmission_file_", ()),
        ("김민수", "김민수", "0/moodle/김민수_12345_assignsubmission_file_", ()),
        ("이지은", "이지은", "0/moodle/이지은_12346_assignsubmission_file_", ()),
    ]
    assert result.problems == []
    assert result.missing == []
    assert not (scratch / "0" / "moodle" / "__MACOSX").exists()


def test_moodle_entries_match_the_roster_by_participant_id_and_by_name(tmp_path: Path) -> None:
    download = make_zip(
        tmp_path / "moodle.zip",
        {
            "김민수_12345_assignsubmission_file_/hw1.ipynb": NOTEBOOK,
            "이지은_12346_assignsubmission_file_/hw1.ipynb": NOTEBOOK,
            "Jane Doe_12347_assignsubmission_file_/hw1.ipynb": NOTEBOOK,
        },
    )
    roster = read_roster(
        write_roster(
            tmp_path / "roster.csv",
            "id,name,lms_id\n2023001,Kim Minsu,12345\n2023002,이 지은,\n2023003,DOE jane,\n",
        )
    )
    result = intake([download], tmp_path / "scratch", roster)
    assert [(e.student, e.name, e.notes) for e in result.entries] == [
        ("2023001", "Kim Minsu", ()),
        ("2023002", "이 지은", ()),
        ("2023003", "DOE jane", ()),
    ]
    assert result.missing == []


def test_files_canvas_listed_apart_are_graded_together_under_the_students_names(
    tmp_path: Path,
) -> None:
    uses_utils = nbformat.writes(new_notebook(cells=[new_code_cell("from utils import f")]))
    first = "kimminsu_12345_501_hw1.ipynb"
    download = make_zip(
        tmp_path / "submissions.zip",
        {
            first: NOTEBOOK,
            "kimminsu_late_12345_503_hw1-1.ipynb": uses_utils,
            "kimminsu_12345_502_utils.py": "def f():\n    return 1\n",
            "lee_12346_504_hw1.ipynb": NOTEBOOK,
            "lee_12346_505_notes.py": "x = 1\n",  # not imported: not one submission
        },
    )
    scratch = tmp_path / "scratch"
    kim, *lee = intake([download], scratch).entries
    assert sorted(p.name for p in kim.path.iterdir()) == ["hw1.ipynb", "utils.py"]
    assert (kim.path / "hw1.ipynb").read_text() == uses_utils  # the resubmission
    assert kim.notes == (
        f"handed in as separate files, graded together: "
        f"{download}/kimminsu_12345_502_utils.py, {download}/kimminsu_late_12345_503_hw1-1.ipynb",
        f"kept {download}/kimminsu_late_12345_503_hw1-1.ipynb, the latest resubmission; "
        f"left out {download}/{first}",
    )
    assert [e.path.name for e in lee] == ["lee_12346_505_notes.py"]
    assert lee[0].notes[0].startswith("kept ")  # two files that are not one submission


def test_a_canvas_late_resubmission_is_kept_and_the_note_names_the_file_left_out(
    tmp_path: Path,
) -> None:
    first, late = "kimminsu_12345_67890_hw1.ipynb", "kimminsu_late_12345_67891_hw1-1.ipynb"
    download = make_zip(
        tmp_path / "submissions.zip",
        {first: NOTEBOOK, late: NOTEBOOK, "lee_jisoo_12346_67892_hw1.ipynb": NOTEBOOK},
        times={late: (2026, 3, 2, 9, 30, 0)},
    )
    roster = read_roster(
        write_roster(
            tmp_path / "roster.csv",
            "id,name,email\n"
            "2023001,Minsu Kim,mkim@uni.ac.kr\n"
            "2023002,Jisoo Lee,jlee@uni.ac.kr\n"
            "2023003,Sojin Park,spark@uni.ac.kr\n",
        )
    )
    scratch = tmp_path / "scratch"
    result = intake([download], scratch, roster)
    assert summary(result, scratch) == [
        (
            "2023001",
            "Minsu Kim",
            f"0/submissions/{late}",
            (f"kept {download}/{late}, the latest resubmission; left out {download}/{first}",),
        ),
        ("2023002", "Jisoo Lee", "0/submissions/lee_jisoo_12346_67892_hw1.ipynb", ()),
    ]
    assert result.missing == [
        RosterStudent(id="2023003", name="Sojin Park", email="spark@uni.ac.kr")
    ]
    kept = scratch / "0" / "submissions" / late
    assert kept.stat().st_mtime == time.mktime((2026, 3, 2, 9, 30, 0, 0, 0, -1))


def test_the_latest_blackboard_attempt_wins_over_a_newer_file_time(tmp_path: Path) -> None:
    older = "HW1_s20231234_attempt_2026-03-01-10-20-30_hw1.py"
    newer = "HW1_s20231234_attempt_2026-03-02-08-00-00_hw1.py"
    download = make_zip(
        tmp_path / "gradebook.zip",
        {older: "x = 1\n", newer: "x = 2\n", "HW1_s20239999_attempt_2026-03-01-11-00-00.txt": ""},
        times={older: (2026, 3, 5, 0, 0, 0)},
    )
    result = intake([download], tmp_path / "scratch")
    assert [(e.student, e.path.name, e.notes) for e in result.entries] == [
        (
            "s20231234",
            newer,
            (f"kept {download}/{newer}, the latest attempt; left out {download}/{older}",),
        ),
    ]


def test_plain_duplicates_keep_the_newest_file(tmp_path: Path) -> None:
    monday, tuesday = tmp_path / "monday", tmp_path / "tuesday"
    times = ((monday, 1_700_000_000, 1_700_000_000), (tuesday, 1_700_090_000, 1_600_000_000))
    for folder, kim_time, lee_time in times:
        folder.mkdir()
        for student, stamp in (("kim", kim_time), ("lee", lee_time)):
            (folder / f"{student}.py").write_text("x = 1\n")
            os.utime(folder / f"{student}.py", (stamp, stamp))
    result = intake([monday, tuesday], tmp_path / "scratch")
    assert [(e.student, e.path, e.notes) for e in result.entries] == [
        (
            "kim",
            tuesday / "kim.py",
            (f"kept {tuesday}/kim.py, the newest file; left out {monday}/kim.py",),
        ),
        (
            "lee",
            monday / "lee.py",
            (f"kept {monday}/lee.py, the newest file; left out {tuesday}/lee.py",),
        ),
    ]


def test_two_students_with_one_name_get_their_lms_ids_appended(tmp_path: Path) -> None:
    download = make_zip(
        tmp_path / "submissions.zip",
        {"kimminsu_12345_67890_hw1.py": "x = 1\n", "kimminsu_12399_67891_hw1.py": "x = 2\n"},
    )
    result = intake([download], tmp_path / "scratch")
    assert [(e.student, e.path.name, e.notes) for e in result.entries] == [
        ("kimminsu_12345", "kimminsu_12345_67890_hw1.py", ()),
        ("kimminsu_12399", "kimminsu_12399_67891_hw1.py", ()),
    ]


def test_submissions_off_the_roster_are_kept_and_absent_students_are_missing(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "hw1"
    folder.mkdir()
    for name in ("20231234", "jlee", "stranger"):
        (folder / f"{name}.py").write_text("x = 1\n")
    roster = read_roster(
        write_roster(
            tmp_path / "roster.csv",
            "ID,Name,Email,Login\n"
            "20231234,김민수,,\n"
            "20231235,이지수,jlee@uni.ac.kr,\n"
            "20231236,박소진,,sojin\n",
        )
    )
    result = intake([folder], tmp_path / "scratch", roster)
    assert [(e.student, e.name, e.path.name, e.notes) for e in result.entries] == [
        ("20231234", "김민수", "20231234.py", ()),
        ("20231235", "이지수", "jlee.py", ()),
        ("stranger", None, "stranger.py", ("not on the roster",)),
    ]
    assert [student.id for student in result.missing] == ["20231236"]


def test_a_name_two_roster_students_share_is_not_guessed(tmp_path: Path) -> None:
    download = make_zip(
        tmp_path / "moodle.zip", {"김민수_12345_assignsubmission_file_/hw1.py": "x = 1\n"}
    )
    roster = read_roster(
        write_roster(tmp_path / "roster.csv", "id,name\n2023001,김민수\n2023002,김민수\n")
    )
    result = intake([download], tmp_path / "scratch", roster)
    assert [(e.student, e.name, e.notes) for e in result.entries] == [
        (
            "김민수",
            "김민수",
            (
                "names 2023001, 2023002 on the roster, not one of them; add an `lms_id` or "
                "`login` column to tell them apart",
            ),
        )
    ]
    assert [student.id for student in result.missing] == ["2023001", "2023002"]


# --- Archives inside archives and folders ---------------------------------------------------


def test_a_students_zip_inside_a_download_is_that_students_submission(tmp_path: Path) -> None:
    student_zip = zip_bytes({"hw1/hw1.ipynb": NOTEBOOK, "hw1/utils.py": "y = 2\n"})
    download = make_zip(
        tmp_path / "submissions.zip",
        {"parkjisoo_12350_67900_hw1.zip": student_zip, "kimminsu_12345_67890_hw1.py": "x = 1\n"},
    )
    moodle = make_zip(
        tmp_path / "moodle.zip",
        {"Lee Jisoo_12351_assignsubmission_file_/hw1.zip": zip_bytes({"hw1.ipynb": NOTEBOOK})},
    )
    scratch = tmp_path / "scratch"
    result = intake([download, moodle], scratch)
    assert summary(result, scratch) == [
        ("Lee_Jisoo", "Lee Jisoo", "3/hw1", ()),
        ("kimminsu", None, "0/submissions/kimminsu_12345_67890_hw1.py", ()),
        ("parkjisoo", None, "1/parkjisoo_12350_67900_hw1/hw1", ()),
    ]
    assert result.problems == []


def test_a_zip_in_a_folder_is_read_like_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "choi.py").write_text("x = 1\n")
    make_zip(folder / "kim.zip", {"kim/hw1/hw1.ipynb": NOTEBOOK})
    make_zip(folder / "section2.zip", {"lee.py": "x = 1\n", "park.py": "x = 2\n"})
    scratch = tmp_path / "scratch"
    result = intake([folder], scratch)
    assert summary(result, scratch) == [
        ("choi", None, folder / "choi.py", ()),
        ("kim", None, "0/kim/kim/hw1", ()),
        ("lee", None, "1/section2/lee.py", ()),
        ("park", None, "1/section2/park.py", ()),
    ]


def test_archives_nested_too_deep_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archives, "MAX_NESTED_ARCHIVES", 1)
    download = make_zip(
        tmp_path / "outer.zip", {"inner.zip": zip_bytes({"a.py": "x = 1\n"}), "b.py": "y = 2\n"}
    )
    result = intake([download], tmp_path / "scratch")
    assert result.problems == [
        f"{download}/inner.zip: archives nested more than 1 deep; unpack it yourself and give "
        "the folder instead"
    ]
    assert [e.student for e in result.entries] == ["b"]


# --- Unsafe archives ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("hw1/hw1.ipynb", ("hw1", "hw1.ipynb")),
        ("./hw1//a.py", ("hw1", "a.py")),
        ("hw1/", ("hw1",)),
        ("../evil.py", None),
        ("hw1/../../evil.py", None),
        ("/etc/passwd", None),
        ("C:/Windows/evil.py", None),
        ("c:evil.py", None),
        ("hw1\\..\\evil.py", None),
    ],
)
def test_member_names_that_could_leave_the_folder_are_refused(
    name: str, parts: tuple[str, ...] | None
) -> None:
    assert safe_parts(name) == parts


def test_traversal_absolute_and_symlink_members_are_refused_one_line_each(
    tmp_path: Path,
) -> None:
    download = tmp_path / "class.zip"
    with zipfile.ZipFile(download, "w") as zipped:
        zipped.writestr("../evil.py", "import os\n")
        zipped.writestr("/abs.py", "import os\n")
        link = zipfile.ZipInfo("link.py")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zipped.writestr(link, "/etc/passwd")
        zipped.writestr("good.py", "x = 1\n")
    scratch = tmp_path / "scratch"
    result = intake([download], scratch)
    outside = (
        "refused, a name outside the archive's folder (absolute, a drive letter, `..` or a "
        "backslash)"
    )
    assert result.problems == [
        f"{download}: ../evil.py: {outside}; its other files were unpacked",
        f"{download}: /abs.py: {outside}; its other files were unpacked",
        f"{download}: link.py: refused, a symbolic link; its other files were unpacked",
    ]
    assert sorted(p.relative_to(scratch).as_posix() for p in scratch.rglob("*")) == [
        "0",
        "0/class",
        "0/class/good.py",
    ]
    assert not list(tmp_path.rglob("evil.py"))
    assert summary(result, scratch) == [("class", None, "0/class", ())]


def test_a_member_declared_over_the_size_limit_is_refused_and_the_rest_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archives, "MAX_MEMBER_BYTES", 1000)
    download = make_zip(tmp_path / "hw.zip", {"big.py": "#" * 5000, "kim.py": "x = 1\n"})
    scratch = tmp_path / "scratch"
    result = intake([download], scratch)
    assert result.problems == [
        f"{download}: big.py: refused, it unpacks to 5 KB, over the limit of 1000 B for one "
        "file; its other files were unpacked"
    ]
    assert sorted(p.name for p in (scratch / "0" / "hw").iterdir()) == ["kim.py"]


def test_a_member_compressed_like_a_bomb_is_refused(tmp_path: Path) -> None:
    download = make_zip(tmp_path / "hw.zip", {"zeros.py": bytes(4 << 20), "kim.py": "x = 1\n"})
    with zipfile.ZipFile(download) as zipped:
        bomb = zipped.getinfo("zeros.py")
    assert bomb.file_size > archives.MAX_COMPRESSION_RATIO * bomb.compress_size
    result = intake([download], tmp_path / "scratch")
    assert result.problems == [
        f"{download}: zeros.py: refused, compressed {bomb.file_size // bomb.compress_size} "
        "times, over the limit of 100 (a zip bomb?); its other files were unpacked"
    ]


def test_a_member_holding_more_than_it_declares_unpacks_no_more_than_declared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archives, "MAX_MEMBER_BYTES", 1000)
    content = b"#" * 10_000
    download = make_zip(tmp_path / "liar.zip", {"liar.py": content})
    patch_headers(download, size=100, crc=zlib.crc32(content[:100]))
    scratch = tmp_path / "scratch"
    result = intake([download], scratch)
    assert result.problems == []
    assert (scratch / "0" / "liar" / "liar.py").read_bytes() == content[:100]


def test_copying_stops_as_soon_as_the_limit_is_passed() -> None:
    target = io.BytesIO()
    with pytest.raises(archives._OverLimit):
        copy_at_most(io.BytesIO(b"x" * 5000), target, limit=1000)
    assert len(target.getvalue()) <= 1000
    assert copy_at_most(io.BytesIO(b"x" * 1000), io.BytesIO(), limit=1000) == 1000


@pytest.mark.parametrize(
    ("limit", "value", "members", "problem"),
    [
        (
            "MAX_ARCHIVE_BYTES",
            1000,
            {"a.py": "#" * 800, "b.py": "#" * 800},
            "unpacks to 2 KB, over the limit of 1000 B for one input with the archives in it",
        ),
        (
            "MAX_ARCHIVE_MEMBERS",
            4,
            {"a.py": "", "b.py": "", "c.py": "", "d.py": "", "e.py": ""},
            "holds 5 files, over the limit of 4 for one input with the archives in it",
        ),
    ],
)
def test_an_archive_over_a_limit_is_one_line_and_the_other_inputs_are_kept(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    limit: str,
    value: int,
    members: dict[str, str],
    problem: str,
) -> None:
    monkeypatch.setattr(archives, limit, value)
    download = make_zip(tmp_path / "class.zip", members)
    (tmp_path / "lee.py").write_text("x = 1\n")
    result = intake([download, tmp_path / "lee.py"], tmp_path / "scratch")
    assert result.problems == [
        f"{download}: {problem}; unpack it yourself and give the folder instead"
    ]
    assert [(e.student, e.path) for e in result.entries] == [("lee", tmp_path / "lee.py")]


# --- Bad archives ---------------------------------------------------------------------------


def test_truncated_and_non_zip_archives_are_one_line_each_and_the_rest_is_kept(
    tmp_path: Path,
) -> None:
    whole = make_zip(tmp_path / "whole.zip", {"kim.py": "x = 1\n" * 50, "park.py": "y = 2\n"})
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("these are my notes\n")
    (tmp_path / "lee.py").write_text("x = 1\n")
    absent = tmp_path / "absent.zip"
    inputs = [truncated, not_zip, absent, tmp_path / "lee.py", whole]
    result = intake(inputs, tmp_path / "scratch")
    assert result.problems == [
        f"{truncated}: a damaged or truncated zip archive; download it again",
        f"{not_zip}: not a zip archive; give a .zip file, or unpack it and give the folder",
        f"{absent}: cannot be read (No such file or directory); check the path",
    ]
    assert [e.student for e in result.entries] == ["kim", "lee", "park"]


def test_a_damaged_member_is_one_line_and_the_others_are_unpacked(tmp_path: Path) -> None:
    download = make_zip(tmp_path / "hw.zip", {"kim.py": "x = 1\n"})
    patch_headers(download, crc=0)
    healthy = make_zip(tmp_path / "more.zip", {"lee.py": "x = 1\n"})
    result = intake([download, healthy], tmp_path / "scratch")
    assert result.problems == [
        f"{download}: kim.py: cannot be unpacked (Bad CRC-32 for file 'kim.py'); download the "
        "archive again"
    ]
    assert not (tmp_path / "scratch" / "0" / "hw" / "kim.py").exists()
    assert [e.student for e in result.entries] == ["more"]


def test_a_password_protected_archive_is_one_line(tmp_path: Path) -> None:
    download = make_zip(tmp_path / "secret.zip", {"kim.py": "x = 1\n"})
    patch_headers(download, flag=0x1)
    result = intake([download], tmp_path / "scratch")
    assert result.problems == [
        f"{download}: password-protected; unpack it with its password and give the folder instead"
    ]
    assert result.entries == []


# --- Member names ---------------------------------------------------------------------------


def test_a_cp949_member_name_from_korean_windows_is_read_as_korean(tmp_path: Path) -> None:
    korean = "김민수.py".encode("cp949")
    placeholder = b"X" * (len(korean) - 3) + b".py"
    download = make_zip(tmp_path / "class.zip", {placeholder.decode(): "x = 1\n", "lee.py": ""})
    download.write_bytes(download.read_bytes().replace(placeholder, korean))
    with zipfile.ZipFile(download) as zipped:
        assert not zipped.infolist()[0].flag_bits & 0x800
    scratch = tmp_path / "scratch"
    result = intake([download], scratch)
    assert summary(result, scratch) == [
        ("lee", None, "0/class/lee.py", ()),
        ("김민수", None, "0/class/김민수.py", ()),
    ]


def test_member_names_are_utf8_by_flag_then_utf8_cp949_or_cp437() -> None:
    def info(raw: bytes, flag: int = 0) -> zipfile.ZipInfo:
        made = zipfile.ZipInfo(raw.decode("utf-8" if flag else "cp437"))
        made.flag_bits = flag
        return made

    nfd = unicodedata.normalize("NFD", "이지은.py")
    assert member_name(info(nfd.encode(), flag=0x800)) == "이지은.py"
    assert member_name(info("이지은.py".encode())) == "이지은.py"
    assert member_name(info("이지은.py".encode("cp949"))) == "이지은.py"
    assert member_name(info(b"\xff\xfe.py")) == b"\xff\xfe.py".decode("cp437")


# --- Roster ---------------------------------------------------------------------------------


def test_a_roster_reads_with_a_bom_or_as_cp949(tmp_path: Path) -> None:
    text = "id,name,lms_id\n2023001,김민수,12345\n,,\n2023002,이지은,\n"
    for encoding in ("utf-8-sig", "cp949"):
        roster = read_roster(write_roster(tmp_path / f"{encoding}.csv", text, encoding))
        assert roster.students == (
            RosterStudent(id="2023001", name="김민수", lms_id="12345"),
            RosterStudent(id="2023002", name="이지은"),
        )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "1: no `id` column (found: -); name the student-id column `id`"),
        (
            "name,email\n김민수,kim@uni\n",
            "1: no `id` column (found: name, email); name the student-id column `id`",
        ),
        (
            "id,name\n1,김민수\n ,이지은\n",
            "3: empty `id`; fill in the student id or delete the row",
        ),
        (
            "id,name\n1,김민수\n2,이지은\n1,박소진\n",
            "4: id 1 is already on line 2; keep one row per student",
        ),
    ],
)
def test_roster_errors_name_the_file_the_line_and_the_fix(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = write_roster(tmp_path / "roster.csv", text)
    with pytest.raises(RosterError) as error:
        read_roster(path)
    assert str(error.value) == f"{path}:{problem}"


def test_a_roster_in_neither_encoding_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(b"id,name\n1,kim\n2,\xff\xff\n")
    with pytest.raises(RosterError) as error:
        read_roster(path)
    assert str(error.value) == (
        f"{path}:3: neither UTF-8 nor CP949 text; save the roster as CSV UTF-8"
    )
