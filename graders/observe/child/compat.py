"""Compatibility measures: what a course machine's Jupyter kernel runs and this child would not.

Every measure is declared once in `MEASURES` (its name, what it does, the note
the feedback shows when a cell used it). `install()` applies them at child
start, before the submission runs; a measure calls `note(name, ...)` when it
acts, and the cell runner collects the notes with `take_notes()`.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import inspect
import os
import sys
import sysconfig
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from ...i18n import N_, _

MAX_NOTES = 40


@dataclass(frozen=True)
class Measure:
    """One compatibility measure: `note` (English, translated when noted) is formatted with
    what `note()` is given."""

    name: str
    does: str
    note: str


MEASURES = {
    m.name: m
    for m in (
        Measure(
            "magic_ran",
            "`%time`, `%%time`, `%timeit`, `%%timeit` and `%%capture` run their code once",
            N_("`{}` ran its code once, untimed"),
        ),
        Measure(
            "writefile",
            "`%%writefile NAME` writes NAME into the submission's folder",
            N_("`%%writefile {}` wrote the file into the submission's folder"),
        ),
        Measure(
            "magic_skipped",
            "shell commands, installs and display magics are not run",
            N_("not run while grading: {}"),
        ),
        Measure(
            "cuda",
            "CUDA devices, `.cuda()` and CUDA-only calls run on the CPU when torch has no GPU",
            N_("CUDA was requested; ran on the CPU"),
        ),
        Measure(
            "autocast",
            "CUDA autocast and GradScaler run in full precision when torch has no GPU",
            N_("mixed precision on CUDA was requested; ran in full precision on the CPU"),
        ),
        Measure(
            "numpy_alias",
            "names removed from NumPy 2 read as their current equivalent",
            N_("`np.{}` was removed in NumPy 2; read as `{}`"),
        ),
        Measure(
            "dataiter_next",
            "`.next()` on a DataLoader iterator (removed from torch) reads as `next(...)`",
            N_("`dataiter.next()` was read as `next(dataiter)`"),
        ),
        Measure(
            "colab",
            "Colab-only calls do nothing where the real `google.colab` is absent",
            N_("`{}` is Colab only; it did nothing"),
        ),
        Measure(
            "argv",
            "`sys.argv` holds a notebook kernel's arguments (a module's: its script name)",
            N_("`sys.argv` was read; it holds what a {} would see"),
        ),
        Measure(
            "removed_keyword",
            "keywords current torch removed (such as a scheduler's `verbose=`) are dropped",
            N_("`{}({}=...)`: this torch no longer takes `{}`; it was dropped"),
        ),
        Measure(
            "zero_dim_index",
            "`loss.data[0]` / `loss[0]` on a single value (torch 0.3) returns the value",
            N_("`[0]` on a single-value tensor (torch 0.3's `loss.data[0]`) was read as `.item()`"),
        ),
    )
}

MISSING_MODULE = N_(
    "`{0}` is not a package the grader has: if it is a file the course provided, submit "
    "{0}.py beside the notebook (a TA lists course files under `provided:` in the rubric "
    "or passes `--provided DIR`)"
)

_notes: list[str] = []


def note(name: str, *details: Any) -> None:
    """Record that measure `name` acted in the running cell (once per distinct note)."""
    text = _(MEASURES[name].note).format(*details)[:300]
    if text not in _notes and len(_notes) < MAX_NOTES:
        _notes.append(text)


def take_notes() -> list[str]:
    """The notes recorded since the last call, cleared."""
    taken = [str(text)[:300] for text in _notes[:MAX_NOTES]]  # the submission can reach them
    _notes.clear()
    return taken


def explain_missing_module(exc: BaseException) -> str | None:
    """The one-line reason and fix for importing a top-level module nobody has."""
    name = getattr(exc, "name", None)
    if not isinstance(exc, ModuleNotFoundError) or not name or "." in name:
        return None
    return _(MISSING_MODULE).format(name)


def install(notebook: bool) -> None:
    """Apply every measure; call once, before the submission's first cell."""
    import numpy
    import torch

    sys.argv = _Argv(kernel_argv() if notebook else [os.path.join(os.getcwd(), "submission.py")])
    sys.argv.kind = _("notebook kernel") if notebook else _("script")
    _alias_numpy(numpy)
    _add_dataiter_next(torch)
    _drop_removed_keywords(torch.optim.lr_scheduler, ("verbose",))
    _index_zero_dim(torch)
    if not torch.cuda.is_available():
        _cuda_on_cpu(torch)
    sys.meta_path.insert(0, _Colab())


# -- sys.argv ---------------------------------------------------------------------


def kernel_argv() -> list[str]:
    """What `sys.argv` holds in an ipykernel: its launcher, `-f` and the connection file."""
    launcher = os.path.join(sysconfig.get_paths()["purelib"], "ipykernel_launcher.py")
    runtime = os.path.join(os.path.expanduser("~"), ".local", "share", "jupyter", "runtime")
    return [launcher, "-f", os.path.join(runtime, f"kernel-{uuid.UUID(int=0)}.json")]


class _Argv(list):
    """`sys.argv`, noting when the submission reads it."""

    kind = N_("script")

    def __getitem__(self, index: Any) -> Any:
        note("argv", self.kind)
        return super().__getitem__(index)

    def __iter__(self) -> Any:
        note("argv", self.kind)
        return super().__iter__()

    def __len__(self) -> int:
        note("argv", self.kind)
        return super().__len__()

    def __repr__(self) -> str:
        note("argv", self.kind)
        return super().__repr__()


# -- NumPy ------------------------------------------------------------------------


def _in1d(ar1: Any, ar2: Any, assume_unique: bool = False, invert: bool = False) -> Any:
    import numpy

    return numpy.isin(ar1, ar2, assume_unique=assume_unique, invert=invert).ravel()


def numpy_aliases(np: Any) -> dict[str, tuple[str, Any]]:
    """Removed NumPy names -> (what they read as, the value)."""
    return {
        "Inf": ("np.inf", np.inf),
        "Infinity": ("np.inf", np.inf),
        "PINF": ("np.inf", np.inf),
        "infty": ("np.inf", np.inf),
        "NINF": ("-np.inf", -np.inf),
        "NaN": ("np.nan", np.nan),
        "float": ("float", float),
        "int": ("int", int),
        "bool": ("bool", bool),
        "object": ("object", object),
        "str": ("str", str),
        "complex": ("complex", complex),
        "long": ("int", int),
        "unicode": ("str", str),
        "float_": ("np.float64", np.float64),
        "complex_": ("np.complex128", np.complex128),
        "string_": ("np.bytes_", np.bytes_),
        "unicode_": ("np.str_", np.str_),
        "product": ("np.prod", np.prod),
        "cumproduct": ("np.cumprod", np.cumprod),
        "sometrue": ("np.any", np.any),
        "alltrue": ("np.all", np.all),
        "round_": ("np.round", np.round),
        "row_stack": ("np.vstack", np.vstack),
        "trapz": ("np.trapezoid", getattr(np, "trapezoid", None)),
        "in1d": ("np.isin(...).ravel()", _in1d),
    }


def _alias_numpy(np: Any) -> None:
    """numpy's module `__getattr__` answers only names it lacks: removed ones are added there."""
    aliases = numpy_aliases(np)
    original = np.__dict__.get("__getattr__")

    def __getattr__(name: str) -> Any:
        if name in aliases and aliases[name][1] is not None:
            note("numpy_alias", name, aliases[name][0])
            return aliases[name][1]
        if original is None:
            raise AttributeError(f"module 'numpy' has no attribute '{name}'")
        return original(name)

    np.__getattr__ = __getattr__


# -- torch ------------------------------------------------------------------------


def dataiter_next(iterator: Any) -> Any:
    """`iterator.next()` as torch < 1.13 allowed: the next batch."""
    note("dataiter_next")
    return next(iterator)


def _add_dataiter_next(torch: Any) -> None:
    base = torch.utils.data.dataloader._BaseDataLoaderIter
    if not hasattr(base, "next"):
        base.next = dataiter_next


def _drop_removed_keywords(module: Any, keywords: tuple[str, ...]) -> None:
    """Classes of `module` whose `__init__` no longer takes one of `keywords` drop it."""
    for cls in vars(module).values():
        if not inspect.isclass(cls) or cls.__module__ != module.__name__:
            continue
        init = cls.__dict__.get("__init__")
        if init is None:
            continue
        try:
            params = inspect.signature(init).parameters
        except (TypeError, ValueError):
            continue
        if any(p.kind is p.VAR_KEYWORD for p in params.values()):
            continue
        removed = tuple(k for k in keywords if k not in params)
        if removed:
            cls.__init__ = _dropping(init, removed)


def _dropping(init: Any, removed: tuple[str, ...]) -> Any:
    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        for keyword in removed:
            if keyword in kwargs:
                del kwargs[keyword]
                note("removed_keyword", type(self).__name__, keyword, keyword)
        init(self, *args, **kwargs)

    return __init__


def _index_zero_dim(torch: Any) -> None:
    """`t[0]` on a 0-dim tensor returns its value; every other index costs one `try`."""
    original = torch.Tensor.__getitem__

    @functools.wraps(original)
    def __getitem__(self: Any, key: Any) -> Any:
        try:
            return original(self, key)
        except IndexError:
            if type(key) is int and key == 0 and self.dim() == 0:
                note("zero_dim_index")
                return self.item()
            raise

    torch.Tensor.__getitem__ = __getitem__


TENSOR_FACTORIES = (
    "tensor", "as_tensor", "asarray", "zeros", "ones", "empty", "full", "rand", "randn",
    "randint", "randperm", "arange", "range", "linspace", "logspace", "eye", "normal",
    "zeros_like", "ones_like", "empty_like", "full_like", "rand_like", "randn_like",
    "randint_like", "empty_strided", "scalar_tensor", "tril_indices", "triu_indices",
    "sparse_coo_tensor",
)  # fmt: skip
TENSOR_DEVICE_METHODS = ("new_tensor", "new_zeros", "new_ones", "new_empty", "new_full")
# torch.cuda calls that need a GPU, and what they answer on the CPU instead.
CUDA_CALLS = {
    "synchronize": None,
    "empty_cache": None,
    "get_device_name": "cpu",
    "current_device": 0,
    "set_device": None,
}


def _cpu(device: Any) -> Any:
    """`device`, or "cpu" (noted) where it names a CUDA device."""
    import torch

    if isinstance(device, str) and device.strip().startswith("cuda"):
        note("cuda")
        return "cpu"
    if isinstance(device, torch.device) and device.type == "cuda":
        note("cuda")
        return torch.device("cpu")
    return device


def _cpu_keyword(function: Any) -> Any:
    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        if "device" in kwargs:
            kwargs["device"] = _cpu(kwargs["device"])
        return function(*args, **kwargs)

    return call


def _cpu_arguments(method: Any) -> Any:
    """`.to(...)` of tensors and modules with every CUDA device read as the CPU."""

    @functools.wraps(method)
    def to(self: Any, *args: Any, **kwargs: Any) -> Any:
        args = tuple(_cpu(a) for a in args)
        if "device" in kwargs:
            kwargs["device"] = _cpu(kwargs["device"])
        return method(self, *args, **kwargs)

    return to


def _stay_on_cpu(self: Any, *args: Any, **kwargs: Any) -> Any:
    """`.cuda()` / `.pin_memory()` without a GPU: the object, where it is."""
    note("cuda")
    return self


def _answer(value: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        note("cuda")
        return value

    return call


def _without_cuda_precision(init: Any, device_argument: str) -> Any:
    """An autocast or GradScaler `__init__` that is disabled when it is asked for CUDA."""
    signature = inspect.signature(init)

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        if bound.arguments.get(device_argument) == "cuda" and bound.arguments.get("enabled"):
            note("autocast")
            bound.arguments["enabled"] = False
        init(*bound.args, **bound.kwargs)

    return __init__


def _cuda_on_cpu(torch: Any) -> None:
    """Only without a GPU: every CUDA request in the list below runs on the CPU instead."""
    for name in TENSOR_FACTORIES:
        if hasattr(torch, name):
            setattr(torch, name, _cpu_keyword(getattr(torch, name)))
    for name in TENSOR_DEVICE_METHODS:
        setattr(torch.Tensor, name, _cpu_keyword(getattr(torch.Tensor, name)))
    torch.Tensor.to = _cpu_arguments(torch.Tensor.to)
    torch.nn.Module.to = _cpu_arguments(torch.nn.Module.to)
    torch.Tensor.cuda = _stay_on_cpu
    torch.Tensor.pin_memory = _stay_on_cpu
    torch.nn.Module.cuda = _stay_on_cpu
    for name, value in CUDA_CALLS.items():
        setattr(torch.cuda, name, _answer(value))
    torch.load = _load_on_cpu(torch.load)
    autocast = torch.amp.autocast_mode.autocast
    autocast.__init__ = _without_cuda_precision(autocast.__init__, "device_type")
    scaler = torch.amp.GradScaler
    scaler.__init__ = _without_cuda_precision(scaler.__init__, "device")
    warnings.filterwarnings("ignore", message=r"`torch\.cuda\.amp\.\w+\(args\.\.\.\)` is deprec")
    loader = torch.utils.data.DataLoader
    loader.__init__ = _no_pinned_memory(loader.__init__)


def _load_on_cpu(load: Any) -> Any:
    """`torch.load` with CUDA locations (asked for, or saved in the file) mapped to the CPU."""

    @functools.wraps(load)
    def call(f: Any, map_location: Any = None, *args: Any, **kwargs: Any) -> Any:
        if isinstance(map_location, dict):
            map_location = {k: _cpu(v) for k, v in map_location.items()}
        elif map_location is not None and not callable(map_location):
            map_location = _cpu(map_location)
        if map_location is not None:
            return load(f, map_location, *args, **kwargs)
        start = f.tell() if hasattr(f, "tell") and hasattr(f, "seek") else None
        try:
            return load(f, None, *args, **kwargs)
        except RuntimeError as exc:
            if "CUDA" not in str(exc) or (start is None and not isinstance(f, (str, os.PathLike))):
                raise
        if start is not None:
            f.seek(start)
        note("cuda")
        return load(f, "cpu", *args, **kwargs)

    return call


def _no_pinned_memory(init: Any) -> Any:
    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("pin_memory"):
            note("cuda")
            kwargs["pin_memory"] = False
        init(self, *args, **kwargs)

    return __init__


# -- Colab ------------------------------------------------------------------------

COLAB_MODULES = (
    "google",
    "google.colab",
    "google.colab.drive",
    "google.colab.files",
    "google.colab.patches",
)


def _colab_call(name: str, value: Any = None) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        note("colab", name)
        return value() if callable(value) else value

    call.__name__ = name.rsplit(".", 1)[-1]
    return call


COLAB_FUNCTIONS = {
    "google.colab.drive": {"mount": None, "flush_and_unmount": None},
    "google.colab.files": {"upload": dict, "download": None},
    "google.colab.patches": {"cv2_imshow": None},
}


class _Colab(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """`google.colab` (drive, files, patches) as no-ops, where the real package is absent."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname not in COLAB_MODULES:
            return None
        if importlib.machinery.PathFinder.find_spec(fullname, path) is not None:
            return None
        package = fullname in ("google", "google.colab")
        return importlib.machinery.ModuleSpec(fullname, self, is_package=package)

    def create_module(self, spec: Any) -> Any:
        return None

    def exec_module(self, module: Any) -> None:
        if module.__spec__.submodule_search_locations is not None:
            module.__path__ = []
        short = module.__name__.removeprefix("google.colab.")
        for name, value in COLAB_FUNCTIONS.get(module.__name__, {}).items():
            setattr(module, name, _colab_call(f"{short}.{name}", value))
