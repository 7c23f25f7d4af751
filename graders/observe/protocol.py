"""What crosses the boundary between the grader and the sandboxed child.

Everything on the wire is plain JSON. The parent sends a plan (cells, probe
requests, limits); the child answers with one JSON record per line on a private
pipe. Expected values are never part of a plan.

Each probe is declared once, here: its name, its parameters (a model the parent
builds requests with and the child reads them as) and its result (a typed dict
the child returns and the judges read). `PROBES` is the list both sides use.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict  # pydantic validates it on Python < 3.12

from .locator import Locator, Strict

# -- the wire -----------------------------------------------------------------


@dataclass(frozen=True)
class ProbeRequest:
    """Ask the child to observe something after the cells ran.

    `probe` names a probe of `PROBES`; `params` are its JSON arguments (locators,
    input shapes, seeds), never expectations.
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

# What a CELL_END record shows of the cell: the end of what it printed (`output`) and the
# figures it drew (`figures`, base64 PNGs; `figures_skipped` counts those not kept). The
# child keeps to these bounds and the parent holds every record to them.
CELL_OUTPUT_KEPT = 4000  # characters: the last ones the cell wrote to sys.stdout
FIGURES_PER_CELL = 4  # the first ones the cell drew
FIGURES_PER_RUN = 40  # the first ones of the whole run (the journal keeps them all)
FIGURE_BYTES = 150_000  # one PNG, before base64
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# -- the probes' parameters ---------------------------------------------------

Fixture = Any  # a JSON description of a grader-built argument (see `child.fixtures`)
Request = tuple[str, dict[str, Any]]  # (probe name, JSON parameters), as a check asks


class ProbeParams(Strict):
    """The parameters of one probe; `probe` names it."""

    probe: ClassVar[str]

    def request(self) -> Request:
        """This probe with these parameters, as a check asks for it."""
        return self.probe, self.model_dump(mode="json")


class Located(ProbeParams):
    """Parameters of a probe about one located target."""

    locator: Locator


class ValueParams(Located):
    """Every candidate value for the locator."""

    probe: ClassVar[str] = "value"


class ModuleParams(Located):
    """A located model's parameters and, with `input`, its traced forward pass."""

    probe: ClassVar[str] = "module"
    input: Fixture | None = None


class GradientParams(Located):
    """Gradients of an MSE loss of a copy of the model at the grader's weights."""

    probe: ClassVar[str] = "gradient"
    input: Fixture
    target: Fixture
    params: list[int] = Field(default_factory=list, description="parameter indices; all if empty")


class Apply(Strict):
    """Run the model a call returned: `parameters` loaded by shape, then `input` through it."""

    parameters: list[Fixture] = Field(min_length=1)
    input: Fixture


class Call(Strict):
    """One call: grader-chosen arguments, and what to observe of its result (the result
    itself; `moments`: shape, mean and spread of each tensor or weight; or a returned model
    `Apply`-ed)."""

    args: list[Fixture] = Field(default_factory=list)
    kwargs: dict[str, Fixture] = Field(default_factory=dict)
    observe: Literal["moments"] | Apply | None = None


class CallParams(Call, Located):
    """A located function called on grader-chosen arguments."""

    probe: ClassVar[str] = "call"


class AutogradFunctionParams(Located):
    """A custom `torch.autograd.Function` against the torch operation it re-implements."""

    probe: ClassVar[str] = "autograd_function"
    operation: Literal["relu", "sigmoid", "tanh"]
    input: Fixture


class RecordedParams(ProbeParams):
    """What the submission built and did while it ran."""

    probe: ClassVar[str] = "recorded"


class TrajectoryParams(Located):
    """Per-cell values and gradients of one parameter of a located model."""

    probe: ClassVar[str] = "trajectory"
    param: int = Field(default=0, ge=0)


class TrainingParams(Located):
    """How a located model was trained."""

    probe: ClassVar[str] = "training"


class PredictParams(Located):
    """Class predictions of a located model on a dataset's test split."""

    probe: ClassVar[str] = "predict"
    dataset: Literal["mnist", "fashion-mnist", "cifar10"]
    limit: int | None = Field(default=None, ge=1, description="at most this many test images")
    batch_size: int = Field(default=500, ge=1)
    checkpoint: str | None = Field(default=None, description="a glob of saved state_dicts")


class ScriptParams(ProbeParams):
    """A script's variables against a relation on its own data (see `child.relations`).

    `inputs` and `outputs` give name hints per role (inputs are also found by shape, and
    with `search` outputs by value); `outputs` are the roles compared. `descent` also
    requires that a gradient-descent step `w -= lr * grad` led to the final weights.
    `recorded` accepts the gradients of a backward pass the recorder saw (autograd
    scripts), and `custom_function` only those whose graph ran (true) or did not run
    (false) a custom autograd Function. `library` takes only numpy arrays or only torch tensors.
    """

    probe: ClassVar[str] = "script"
    relation: str
    inputs: dict[str, list[str]] = Field(default_factory=dict)
    outputs: dict[str, list[str]] = Field(min_length=1)
    descent: bool = False
    recorded: bool = False
    custom_function: bool | None = None
    library: Literal["numpy", "torch"] | None = None
    search: bool = False
    rtol: float = Field(default=1e-2, gt=0)


# -- the probes' results ------------------------------------------------------

_EXACT = with_config(ConfigDict(extra="forbid"))  # a result holds its declared keys only


@_EXACT
class Candidate(TypedDict):
    where: str
    value: Any
    searched: bool


@_EXACT
class ValueResult(TypedDict):
    candidates: list[Candidate]


ModuleResult = _EXACT(
    TypedDict(  # functional form: "class" is a keyword
        "ModuleResult",
        {
            "where": str,
            "class": str,
            "param_names": list[str],
            "param_shapes": list[list[int]],
            "param_count": int,
            "trainable_count": int,
            "ops": list[str],  # with an input: the traced forward pass
            "output": Any,
        },
        total=False,
    )
)


@_EXACT
class GradientResult(TypedDict):
    where: str
    empty_after_zero_grad: list[bool]
    grads: list[Any]
    loss: float


@_EXACT
class Method(TypedDict):
    autograd: bool
    custom_function: bool
    library: Literal["numpy", "torch"] | None


@_EXACT
class CallCandidate(TypedDict, total=False):
    where: str
    result: Any
    method: Method
    error: str


@_EXACT
class CallResult(TypedDict, total=False):
    where: str
    result: Any
    method: Method
    candidates: list[CallCandidate]  # where is "search": every function that was tried


@_EXACT
class AutogradFunctionResult(TypedDict):
    where: str
    gradcheck: bool
    gradcheck_problem: str
    forward_error: float
    backward_error: float


@_EXACT
class RecordedResult(TypedDict):
    optimizers: list[dict[str, Any]]
    losses: list[dict[str, Any]]
    criteria: list[str]
    graphs: list[dict[str, Any]]
    backward_calls: int
    datasets: list[dict[str, Any]]
    transforms: list[dict[str, Any]]
    loaders: int


@_EXACT
class TrajectoryResult(TypedDict):
    where: str
    points: list[dict[str, Any]]
    optimizer_steps: dict[str, list[str]]


@_EXACT
class TrainingResult(TypedDict):
    where: str
    epochs: int
    optimizers: list[str]
    optimizer_records: list[dict[str, Any]]
    steps: int
    cells: list[int]
    losses: list[float]


@_EXACT
class PredictResult(TypedDict):
    where: str
    predictions: list[int]
    epochs: int
    transform: list[str]
    checkpoint: str | None


@_EXACT
class ScriptResult(TypedDict):
    where: str
    state: str
    found: dict[str, str]
    errors: dict[str, float | Literal["inf"]]
    matched: int
    descended: bool
    # the loss at the first and at the last backward pass the recorder saw (None: not
    # finite); None where it saw fewer than two
    loss_path: list[float | None] | None


# -- the declaration ----------------------------------------------------------


@dataclass(frozen=True)
class ProbeSpec:
    """One probe: the model of its parameters and the type of its result."""

    params: type[ProbeParams]
    result: type

    @property
    def name(self) -> str:
        return self.params.probe


PROBES: dict[str, ProbeSpec] = {
    spec.name: spec
    for spec in (
        ProbeSpec(ValueParams, ValueResult),
        ProbeSpec(ModuleParams, ModuleResult),
        ProbeSpec(GradientParams, GradientResult),
        ProbeSpec(CallParams, CallResult),
        ProbeSpec(AutogradFunctionParams, AutogradFunctionResult),
        ProbeSpec(RecordedParams, RecordedResult),
        ProbeSpec(TrajectoryParams, TrajectoryResult),
        ProbeSpec(TrainingParams, TrainingResult),
        ProbeSpec(PredictParams, PredictResult),
        ProbeSpec(ScriptParams, ScriptResult),
    )
}


_RESULT_TYPES: dict[str, TypeAdapter[Any]] = {}


def result_problem(probe: str, value: Any) -> str | None:
    """Why a probe's answer is not of its declared result type (None: it is)."""
    if probe not in PROBES:
        return f"unknown probe {probe!r}"
    adapter = _RESULT_TYPES.get(probe)
    if adapter is None:
        adapter = _RESULT_TYPES[probe] = TypeAdapter(PROBES[probe].result)
    try:
        adapter.validate_python(value)
    except ValidationError as exc:
        return f"probe {probe!r} answered against its declared result: " + "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'result'}: {e['msg']}" for e in exc.errors()[:3]
        )
    return None


class ProbeContractError(ValueError):
    """A request for a probe that is not declared, or with parameters it does not take."""


def parse_request(probe: str, params: dict[str, Any]) -> ProbeParams:
    """The typed parameters of a request; `ProbeContractError` says what is wrong."""
    spec = PROBES.get(probe)
    if spec is None:
        raise ProbeContractError(f"unknown probe {probe!r}; the probes are {', '.join(PROBES)}")
    try:
        return spec.params.model_validate(params)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'params'}: {e['msg']}" for e in exc.errors()
        )
        raise ProbeContractError(f"probe {probe!r}: {problems}") from None
