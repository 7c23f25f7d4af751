"""What crosses the boundary between the grader and the sandboxed child.

Everything here is plain JSON. The parent sends a plan (cells, probe requests,
limits); the child answers with one JSON record per line on a private pipe.
Expected values are never part of a plan.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ProbeRequest:
    """Ask the child to observe something after the cells ran.

    `probe` names a probe in `graders.observe.child.probes`; `params` are its
    JSON arguments (locators, input shapes, seeds), never expectations.
    """

    id: str
    probe: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """Everything the child needs: the cells to run and the probes to answer."""

    cells: list[str]
    probes: list[ProbeRequest]
    seed: int = 0
    cell_timeout: float = 60.0
    probe_timeout: float = 30.0
    threads: int = 1
    notebook: bool = True
    memory_mb: int = 6144
    file_size_mb: int = 512
    data_root: str | None = None
    datasets: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> class, folder
    budget: dict[str, int] | None = None
    cgroup_procs: str | None = None  # the child moves itself into this control group

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["probes"] = [asdict(p) for p in self.probes]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        probes = [ProbeRequest(**p) for p in data.pop("probes")]
        return cls(probes=probes, **data)


# Record types written by the child, one JSON object per line.
HELLO = "hello"
CELL_START = "cell_start"
CELL_END = "cell_end"
PROBE = "probe"
DONE = "done"
