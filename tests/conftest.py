"""Shared fixtures: a private expectations cache and helpers to run code in the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.observe.limits import Limits
from graders.observe.protocol import Plan, ProbeRequest
from graders.observe.runner import RunResult, run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "submissions_example" / "cnn-basics"


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reference expectations are cached in a folder of the test session, not the user's."""
    cache = tmp_path_factory.mktemp("cache")
    patcher = pytest.MonkeyPatch()
    patcher.setenv("GRADE_CACHE_DIR", str(cache))
    yield cache
    patcher.undo()


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
