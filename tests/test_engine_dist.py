"""The engine-only wheel: what it holds, and a student's self-check with it alone installed."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from graders import __version__
from graders.engine_dist import build_engine_wheel, package_files, record_hash
from graders.rubric import load_rubric

from .conftest import ROOT

REFERENCE_MARK = "def q4_softmax"  # only reference/cnn_basics.py defines it
RUN_CLI = "import sys; from graders.cli import main; sys.exit(main())"
TIMING = re.compile(r"\(\d+(\.\d+)? s\)")


def _members(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_wheel_holds_the_engine_and_nothing_else(tmp_path: Path) -> None:
    wheel = build_engine_wheel(tmp_path)
    assert wheel.name == f"dlgrade_engine-{__version__}-py3-none-any.whl"
    members = _members(wheel)
    dist_info = f"dlgrade_engine-{__version__}.dist-info"
    package = {n for n in members if not n.startswith(dist_info + "/")}
    expected = {p.relative_to(ROOT).as_posix() for p in package_files()}
    assert package == expected
    assert {"graders/__init__.py", "graders/cli.py", "graders/py.typed"} <= package
    assert all(n.startswith("graders/") for n in package)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in members)
    assert not any(n.startswith(("reference/", "rubrics/", "tests/")) for n in members)
    for name, data in members.items():
        assert REFERENCE_MARK not in data.decode("utf-8", errors="replace"), name


def test_wheel_metadata_and_record(tmp_path: Path) -> None:
    wheel = build_engine_wheel(tmp_path / "one")
    members = _members(wheel)
    dist_info = f"dlgrade_engine-{__version__}.dist-info"
    metadata = members[f"{dist_info}/METADATA"].decode()
    assert "Name: dlgrade-engine\n" in metadata
    assert f"Version: {__version__}\n" in metadata
    assert "Requires-Dist: torch\n" in metadata and "Requires-Dist: pydantic>=2\n" in metadata
    assert "Tag: py3-none-any" in members[f"{dist_info}/WHEEL"].decode()
    assert "grade = graders.cli:main" in members[f"{dist_info}/entry_points.txt"].decode()
    rows = list(csv.reader(io.StringIO(members[f"{dist_info}/RECORD"].decode())))
    recorded = {path: (digest, size) for path, digest, size in rows}
    assert set(recorded) == set(members)
    assert recorded.pop(f"{dist_info}/RECORD") == ("", "")
    for path, (digest, size) in recorded.items():
        assert digest == record_hash(members[path]) and int(size) == len(members[path]), path
    again = build_engine_wheel(tmp_path / "two")
    assert again.read_bytes() == wheel.read_bytes()  # deterministic


# -- a student's machine: the engine wheel only --------------------------------


def _env(tmp: Path) -> dict[str, str]:
    """The environment of every subprocess: private cache, empty data root, wide output."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(
        GRADE_CACHE_DIR=str(tmp / "cache"),
        GRADE_DATA_DIR=str(tmp / "no-data"),
        COLUMNS="400",
    )
    return env


def _run(command: list[str], tmp: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=tmp, env=_env(tmp), capture_output=True, text=True, timeout=timeout
    )


def _engine_only_venv(tmp: Path) -> Path:
    """A fresh venv with the engine wheel installed; torch & co. come from this interpreter's
    site-packages through a plain path line (its .pth files, the editable finder of the
    full project among them, are not executed)."""
    venv = tmp / "student-venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60
    )
    python = venv / "bin" / "python"
    wheel = build_engine_wheel(tmp / "dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", str(wheel)],
        check=True,
        timeout=120,
    )  # fmt: skip
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout.strip()
    host = sysconfig.get_paths()["purelib"]
    (Path(purelib) / "dlgrade-host-packages.pth").write_text(host + "\n")
    return venv


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the cnn-basics bundle (made with the full install) and student.py."""
    tmp = tmp_path_factory.mktemp("self-check")
    made = _run([sys.executable, "-c", RUN_CLI, "bundle", "cnn-basics", "-o",
                 "cnn-basics.dlgrade.json"], tmp)  # fmt: skip
    assert made.returncode == 0, made.stderr
    shutil.copy(ROOT / "reference" / "cnn_basics.py", tmp / "student.py")
    return tmp


@pytest.mark.slow
def test_bundle_holds_no_hidden_check(bundle_dir: Path) -> None:
    text = (bundle_dir / "cnn-basics.dlgrade.json").read_text()
    bundle = json.loads(text)
    rubric = load_rubric(ROOT / "rubrics" / "cnn-basics.yaml")
    keys = {
        visibility: {f"{q.id}/{c.id}" for q in rubric.questions for c in q.checks
                     if c.visibility == visibility}
        for visibility in ("public", "hidden")
    }  # fmt: skip
    assert keys["hidden"], "the rubric has no hidden check: this test would prove nothing"
    in_rubric = {f"{q['id']}/{c['id']}" for q in bundle["rubric"]["questions"] for c in q["checks"]}
    assert in_rubric == keys["public"]
    assert not keys["hidden"] & set(bundle["expectations"])
    assert REFERENCE_MARK not in text


@pytest.mark.slow
def test_self_check_with_the_engine_wheel_alone(bundle_dir: Path, tmp_path: Path) -> None:
    venv = _engine_only_venv(tmp_path)
    python = str(venv / "bin" / "python")
    imported = _run([python, "-c", "import reference"], bundle_dir)
    assert imported.returncode != 0 and "No module named 'reference'" in imported.stderr
    where = _run([python, "-c", "import graders; print(graders.__file__)"], bundle_dir)
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr

    command = ["--self", "student.py", "--bundle", "cnn-basics.dlgrade.json"]
    student = _run([str(venv / "bin" / "grade"), *command], bundle_dir)
    assert "Traceback" not in student.stderr and "error:" not in student.stderr, student.stderr
    public = load_rubric(ROOT / "rubrics" / "cnn-basics.yaml").public_only()
    assert f"/ {public.max_score:g}" in student.stdout and "hidden checks are graded" in (
        student.stdout
    )
    # Without a data root the checks that train or test on CIFAR-10 cannot pass; every
    # question that needs no dataset gets its full public marks from the bundle alone.
    for question in public.questions:
        if not any(getattr(check, "dataset", None) for check in question.checks):
            assert f"{question.id} {question.title}: {question.points:g}/{question.points:g}" in (
                student.stdout
            )
    # ... and the engine alone says exactly what the full install says.
    full = _run([sys.executable, "-c", RUN_CLI, *command], bundle_dir)
    assert student.returncode == full.returncode
    assert TIMING.sub("", student.stdout) == TIMING.sub("", full.stdout)
