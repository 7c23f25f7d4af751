"""Turn a rubric's checks into one list of probe requests, and route answers back.

Identical requests from different checks (several checks reading what was
recorded, say) are asked once. Every request is checked against the probes'
declaration (`observe.protocol.PROBES`): an unknown probe or a parameter it does
not take is a rubric error when the rubric is loaded, not a failure in a run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..i18n import _
from ..observe.protocol import (
    PredictParams,
    ProbeContractError,
    ProbeRequest,
    Request,
    parse_request,
)
from .verdict import Seen

if TYPE_CHECKING:  # the rubric package loads this module: a runtime import would be a cycle
    from ..rubric.models import Rubric

CheckKey = tuple[str, str]  # (question id, check id)


@dataclass
class Routing:
    """Probe requests, and which of them each check reads under its local names."""

    requests: list[ProbeRequest] = field(default_factory=list)
    routes: dict[CheckKey, dict[str, str]] = field(default_factory=dict)
    _ids: dict[str, str] = field(default_factory=dict)

    def add(self, key: CheckKey, local: str, probe: str, params: dict[str, Any]) -> None:
        parse_request(probe, params)
        signature = json.dumps([probe, params], sort_keys=True)
        if signature not in self._ids:
            probe_id = f"p{len(self.requests)}"
            self._ids[signature] = probe_id
            self.requests.append(ProbeRequest(id=probe_id, probe=probe, params=params))
        self.routes.setdefault(key, {})[local] = self._ids[signature]

    def signatures(self) -> dict[str, str]:
        """Each request's id -> its signature (probe and parameters), the same in every routing
        that asks it: what stored answers are looked up by."""
        return {probe_id: signature for signature, probe_id in self._ids.items()}

    def seen(self, key: CheckKey, answers: dict[str, dict[str, Any]]) -> Seen:
        """The answers one check asked for, by its local names."""
        return Seen(
            {
                local: answers[pid]
                for local, pid in self.routes.get(key, {}).items()
                if pid in answers
            }
        )


def route(
    rubric: Rubric,
    *,
    student: bool = True,
    reference: bool = False,
    predict: dict[str, Any] | None = None,
) -> Routing:
    """The probes a run must answer: the checks' own (`student`) and/or their expectations'.

    `predict` adds run options (test-image limit, checkpoint) to prediction probes.
    """
    routing = Routing()
    hinted = _hinted_names(rubric)
    for question in rubric.questions:
        for check in question.checks:
            key = (question.id, check.id)
            try:
                if student:
                    for local, (probe, params) in _requests(check.requests).items():
                        if probe == PredictParams.probe and predict:
                            params = {**params, **predict}
                        if params.get("locator", {}).get("search"):
                            params = _excluding_others(params, hinted)
                        routing.add(key, local, probe, params)
                if reference:
                    for local, (probe, params) in _requests(check.reference_requests).items():
                        routing.add(key, "ref:" + local, probe, params)
            except ProbeContractError as exc:
                raise CheckContractError(key, str(exc)) from None
    return routing


class CheckContractError(ProbeContractError):
    """A check that asks for a probe against the probes' declaration."""

    def __init__(self, key: CheckKey, problem: str) -> None:
        super().__init__(
            _("question {question}, check {check}: {problem}").format(
                question=key[0], check=key[1], problem=problem
            )
        )
        self.key, self.problem = key, problem


def _requests(build: Any) -> dict[str, Request]:
    """A check's requests; parameters its probe's model refuses are a contract error."""
    try:
        return build()
    except ValidationError as exc:
        raise ProbeContractError(str(exc).splitlines()[0]) from None


def _hinted_names(rubric: Rubric) -> set[str]:
    """Every name a function check of the rubric hints at, and every model class a module
    check names."""
    names: set[str] = set()
    for question in rubric.questions:
        for check in question.checks:
            target = getattr(check, "target", None)
            if target is not None and target.kind == "function":
                names.update(target.names)
            if target is not None and target.kind == "module":
                names.update(target.class_names)
                names.update(target.names if target.build is not None else [])
    return names


def _excluding_others(params: dict[str, Any], hinted: set[str]) -> dict[str, Any]:
    """A searching call whose search skips the functions other checks name: a function
    answers the question whose name it bears."""
    locator = params["locator"]
    others = sorted(hinted - set(locator.get("names", [])))
    return {**params, "locator": {**locator, "exclude": others}}


def reference_seen(routing: Routing, key: CheckKey, answers: dict[str, dict[str, Any]]) -> Seen:
    """The expectation answers of one check, by its local names (without the `ref:` mark)."""
    records = {}
    for local, pid in routing.routes.get(key, {}).items():
        if local.startswith("ref:") and pid in answers:
            records[local.removeprefix("ref:")] = answers[pid]
    return Seen(records)
