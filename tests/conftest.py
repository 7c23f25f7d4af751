"""Shared fixtures: a private expectations cache and helpers to run code in the sandbox."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from graders.data import DATASETS, DataRoot, prepare
from graders.observe.limits import Limits
from graders.observe.protocol import Plan, ProbeRequest
from graders.observe.runner import RunResult, run

from .synthetic_data import write_source

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "submissions_example" / "cnn-basics"


SHARED_DATASETS = ROOT.parent / "shared" / "datasets"


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reference expectations are cached in a folder of the test session, not the user's."""
    cache = tmp_path_factory.mktemp("cache")
    patcher = pytest.MonkeyPatch()
    patcher.setenv("GRADE_CACHE_DIR", str(cache))
    yield cache
    patcher.undo()


@pytest.fixture(autouse=True, scope="session")
def synthetic_data_root(tmp_path_factory: pytest.TempPathFactory) -> DataRoot:
    """A data root of small, learnable synthetic datasets in torchvision's formats,
    used by every test that does not ask for the real data."""
    source = write_source(tmp_path_factory.mktemp("synthetic-source"), n_train=5000, n_test=500)
    root = DataRoot(tmp_path_factory.mktemp("synthetic-root"))
    prepare(root, source)
    patcher = pytest.MonkeyPatch()
    patcher.setenv("GRADE_DATA_DIR", str(root.path))
    yield root
    patcher.undo()


@pytest.fixture(scope="session")
def real_data_root(tmp_path_factory: pytest.TempPathFactory) -> DataRoot:
    """The real datasets: $GRADE_REAL_DATA_DIR if prepared, else prepared from
    ../shared/datasets; skipped (with the reason) where neither exists."""
    given = os.environ.get("GRADE_REAL_DATA_DIR")
    if given and all(DataRoot(Path(given)).available(name) for name in DATASETS):
        return DataRoot(Path(given))
    if not SHARED_DATASETS.is_dir():
        pytest.skip(
            f"the real datasets are missing: no {SHARED_DATASETS} and no prepared "
            f"$GRADE_REAL_DATA_DIR"
        )
    root = DataRoot(tmp_path_factory.mktemp("real-root"))
    prepare(root, SHARED_DATASETS)
    return root


def sandbox(
    cells: list[str],
    probes: list[ProbeRequest] | None = None,
    cell_timeout: float = 10,
    total_timeout: float = 60,
    notebook: bool = True,
    **limits: float,
) -> RunResult:
    """Run `cells` in the sandbox with small limits."""
    plan = Plan(
        cells=cells,
        probes=probes or [],
        cell_timeout=cell_timeout,
        notebook=notebook,
        memory_mb=int(limits.pop("memory_mb", 4096)),
    )
    return run(
        plan,
        Limits(
            cell_timeout=cell_timeout,
            total_timeout=total_timeout,
            grace=limits.pop("grace", 2.0),
            **limits,
        ),
    )


# -- headless Chromium (Debian's, driven by Playwright), for the pages -----------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None,
        reason="the playwright package is not installed (CI installs it)",
    ),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (CI installs it)"),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()
