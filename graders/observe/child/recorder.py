"""Record what the submission constructs and does while its cells run.

Checks must not depend on variable names surviving to the end of a notebook,
so the child keeps its own references to every module, optimizer, dataset and
data loader the submission builds, notes which loss functions training used
and what was differentiated, and snapshots a few parameter values per cell.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import itertools
import sys
from dataclasses import dataclass, field
from typing import Any

from ...i18n import _
from . import compat, datasets

MAX_OBJECTS = 5_000
SNAPSHOT_ELEMENTS = 16
MAX_SNAPSHOT_MODULES = 20
MAX_GRAPH_NODES = 5_000
GRAPHS_KEPT = 20
STEPS_KEPT = 3
MAX_LOSS_VALUES = 200_000
SAMPLES_KEPT = 3
SAMPLE_ELEMENTS = 1_000
SHAPES_KEPT = 4  # distinct per-sample input shapes kept per module
MAX_LEAF_ELEMENTS = 2_000_000  # a script's weights larger than this are not followed
MAX_LEAVES = 64
MAX_VIEW_ELEMENTS = 2_000_000  # per value kept in a cell's view
MAX_VIEWS_ELEMENTS = 50_000_000  # over all views

LOSS_FUNCTIONS = (
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "nll_loss",
    "cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "kl_div",
)
PENALTY_NODES = ("PowBackward", "NormBackward", "LinalgVectorNormBackward", "SqrtBackward")

AUGMENTATIONS = (
    "RandomHorizontalFlip",
    "RandomVerticalFlip",
    "RandomCrop",
    "RandomResizedCrop",
    "RandomRotation",
    "RandomAffine",
    "ColorJitter",
    "RandomPerspective",
    "RandomErasing",
    "RandomGrayscale",
    "RandAugment",
    "AutoAugment",
    "TrivialAugmentWide",
    "AugMix",
    "RandomApply",
    "RandomChoice",
    "RandomOrder",
    "GaussianBlur",
    "RandomInvert",
    "RandomPosterize",
    "RandomSolarize",
    "RandomAdjustSharpness",
    "RandomAutocontrast",
    "RandomEqualize",
    "ElasticTransform",
)


@dataclass
class Recorder:
    """Everything recorded so far; `cell` is the index of the running cell.

    `data_root` is where redirected torchvision datasets are read from, and
    `catalogue` names each dataset's torchvision class and folder there;
    `budget` ({"images": N, "epochs": E, "test_images": T}) caps every pass of a
    training loader at about N images and all its passes in one cell together at
    E times that, and every evaluation pass (a test split, or iterated without
    gradients) at about T images. The training-loader passes an optimizer stepped
    in are its `passes` (its epochs). While `quiet`, the
    grader's own probes use torch without being recorded or capped. Once `sealed` (the
    cells have run), nothing more is recorded: a probe that calls the submission's code
    (a searched function, a class built with the grader's arguments) leaves no model,
    optimizer, step, loss or loader behind for the probes after it; only the counts of
    backward passes, gradient calls and Function applications go on, which tell a probe
    how a call computed its result.
    """

    data_root: str | None = None
    catalogue: dict[str, dict[str, str]] = field(default_factory=dict)
    budget: dict[str, int] | None = None
    quiet: bool = False
    sealed: bool = False
    cell: int = -1
    modules: list[tuple[Any, int]] = field(default_factory=list)
    optimizers: list[dict[str, Any]] = field(default_factory=list)
    losses: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    graphs: list[dict[str, Any]] = field(default_factory=list)
    backward_calls: int = 0
    gradient_calls: int = 0
    function_applies: int = 0
    datasets: list[dict[str, Any]] = field(default_factory=list)
    loaders: list[dict[str, Any]] = field(default_factory=list)
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    pending_losses: list[float] = field(default_factory=list)
    called_losses: list[float] = field(default_factory=list)
    loader_allowance: dict[tuple[int, int], int] = field(default_factory=dict)
    current_loader: Any = None
    training_passes: int = 0
    views: list[dict[str, Any]] = field(default_factory=list)
    view_elements: int = 0
    bound: dict[str, tuple[int, int]] = field(default_factory=dict)
    leaf_steps: dict[int, dict[str, Any]] = field(default_factory=dict)
    input_shapes: dict[int, list[tuple[int, ...]]] = field(default_factory=dict)

    # -- installation -------------------------------------------------------

    def install(self) -> None:
        """Patch torch (and torchvision once it is imported) to record."""
        import torch

        self._patch_module_init(torch.nn.Module)
        torch.nn.modules.module.register_module_forward_pre_hook(self._before_forward)
        self._patch_optimizers(torch)
        self._patch_losses(torch.nn.functional)
        self._patch_backward(torch)
        self._patch_gradient_uses(torch)
        self._patch_loader(torch.utils.data.DataLoader)
        self._patch_loader_iteration(torch.utils.data.DataLoader)
        if "torchvision" in sys.modules:
            self._patch_torchvision()
        else:
            sys.meta_path.insert(0, _AfterImport("torchvision", self._patch_torchvision))

    @property
    def recording(self) -> bool:
        """Whether what torch does now is the submission's, to be recorded."""
        return not (self.quiet or self.sealed)

    def _patch_module_init(self, module_cls: type) -> None:
        original = module_cls.__init__
        recorder = self

        @functools.wraps(original)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            if len(recorder.modules) < MAX_OBJECTS and recorder.recording:
                recorder.modules.append((self, recorder.cell))
            original(self, *args, **kwargs)

        module_cls.__init__ = __init__

    def _before_forward(self, module: Any, args: tuple) -> None:
        """Note the per-sample shape of what the submission feeds each module."""
        if not self.recording or not args:
            return
        shape = getattr(args[0], "shape", None)
        if shape is None or len(shape) < 2:
            return
        shapes = self.input_shapes.setdefault(id(module), [])
        sample = tuple(int(n) for n in shape[1:])
        if sample not in shapes and len(shapes) < SHAPES_KEPT:
            shapes.append(sample)

    def _patch_optimizers(self, torch: Any) -> None:
        optimizer_cls = torch.optim.Optimizer
        original = optimizer_cls.__init__
        recorder = self

        @functools.wraps(original)
        def __init__(self: Any, params: Any, defaults: Any, *args: Any, **kwargs: Any) -> None:
            original(self, params, defaults, *args, **kwargs)
            if len(recorder.optimizers) < MAX_OBJECTS and recorder.recording:
                recorder.optimizers.append(
                    {
                        "object": self,
                        "class": type(self).__name__,
                        "cell": recorder.cell,
                        "steps": {},
                        "step_samples": [],
                        "augmented": False,
                    }
                )

        optimizer_cls.__init__ = __init__
        from torch.optim.optimizer import (
            register_optimizer_step_post_hook,
            register_optimizer_step_pre_hook,
        )

        register_optimizer_step_pre_hook(self._before_step)
        register_optimizer_step_post_hook(self._after_step)

    def _entry(self, optimizer: Any) -> dict[str, Any] | None:
        for entry in self.optimizers:
            if entry["object"] is optimizer:
                return entry
        return None

    def _before_step(self, optimizer: Any, args: Any, kwargs: Any) -> None:
        entry = self._entry(optimizer) if self.recording else None
        if entry is None:
            return
        key = str(self.cell)
        entry["steps"][key] = entry["steps"].get(key, 0) + 1
        losses = entry.setdefault("losses", [])
        pending = self.pending_losses or self.called_losses
        losses.extend(pending[: MAX_LOSS_VALUES - len(losses)])
        self.pending_losses.clear()
        self.called_losses.clear()
        if self.training_passes:
            entry.setdefault("passes", set()).add(self.training_passes)
        if self.current_loader is not None:
            entry.setdefault("dataset", self.current_loader.dataset)
            if augmentations_of(self.current_loader.dataset):
                entry["augmented"] = True
        if len(entry["step_samples"]) < STEPS_KEPT:
            param = _smallest_param(optimizer)
            if param is not None:
                entry["pending"] = (param, _flat(param), _flat(param.grad))

    def _after_step(self, optimizer: Any, args: Any, kwargs: Any) -> None:
        entry = self._entry(optimizer) if self.recording else None
        if entry is None or "pending" not in entry:
            return
        param, before, grad = entry.pop("pending")
        entry["step_samples"].append(
            {"cell": self.cell, "before": before, "grad": grad, "after": _flat(param)}
        )

    def _patch_losses(self, functional: Any) -> None:
        for name in LOSS_FUNCTIONS:
            original = getattr(functional, name, None)
            if original is not None:
                setattr(functional, name, self._loss_wrapper(name, original))

    def _loss_wrapper(self, name: str, original: Any) -> Any:
        recorder = self

        @functools.wraps(original)
        def loss(input: Any, *args: Any, **kwargs: Any) -> Any:
            if recorder.sealed:
                return original(input, *args, **kwargs)
            key = (name, recorder.cell)
            entry = recorder.losses.setdefault(key, {"calls": 0})
            entry["calls"] += 1
            if entry["calls"] == 1 and name == "nll_loss":
                entry["log_probabilities"] = _rows_are_log_probabilities(input)
            value = original(input, *args, **kwargs)
            if not recorder.quiet and getattr(value, "requires_grad", False):
                recorder._keep_loss(value)
            if len(entry.setdefault("samples", [])) < SAMPLES_KEPT:
                entry["samples"].append(_loss_sample(input, args, kwargs, value))
            return value

        return loss

    def _keep_loss(self, value: Any) -> None:
        """Hold the value of a loss function's call until a backward pass or the next
        optimizer step claims it."""
        if len(self.called_losses) < MAX_LOSS_VALUES and value.numel() == 1:
            self.called_losses.append(float(value.detach()))

    def _keep_minimised(self, root: Any) -> None:
        """The loss a backward pass starts from is the one training minimises: held until
        the next optimizer step, in place of the loss calls seen since the last pass (a
        summed loss printed beside the mean one is not the training loss)."""
        if root.numel() == 1 and len(self.pending_losses) < MAX_LOSS_VALUES:
            self.pending_losses.append(float(root.detach()))
        else:
            self.pending_losses.extend(self.called_losses)
        self.called_losses.clear()

    def _patch_backward(self, torch: Any) -> None:
        original = torch.autograd.backward
        recorder = self

        @functools.wraps(original)
        def backward(tensors: Any, *args: Any, **kwargs: Any) -> Any:
            recorder.backward_calls += 1
            if recorder.recording:
                root = tensors[0] if isinstance(tensors, (tuple, list)) and tensors else tensors
                if isinstance(root, torch.Tensor):
                    recorder._keep_minimised(root)
            if len(recorder.graphs) < GRAPHS_KEPT and not recorder.sealed:
                recorder.graphs.append({"cell": recorder.cell, **_describe_graph(tensors)})
            leaves = recorder._before_backward(tensors) if recorder.recording else []
            result = original(tensors, *args, **kwargs)
            recorder._after_backward(leaves)
            return result

        torch.autograd.backward = backward

    def _patch_gradient_uses(self, torch: Any) -> None:
        """Count `torch.autograd.grad` calls and custom `torch.autograd.Function` applications,
        so that a probe can say how a student's function computed its result."""
        recorder = self
        grad = torch.autograd.grad

        @functools.wraps(grad)
        def counted_grad(*args: Any, **kwargs: Any) -> Any:
            recorder.gradient_calls += 1
            return grad(*args, **kwargs)

        torch.autograd.grad = counted_grad
        apply = torch.autograd.Function.__dict__["apply"]  # torch's own classmethod

        def counted_apply(cls: Any, *args: Any, **kwargs: Any) -> Any:
            recorder.function_applies += 1
            return apply.__get__(None, cls)(*args, **kwargs)

        torch.autograd.Function.apply = classmethod(counted_apply)

    def _before_backward(self, tensors: Any) -> list[tuple[Any, dict[str, Any], Any]]:
        """The script weights (leaf tensors that are no module's parameters) this backward
        pass reaches, each with its step record and its value before the pass."""
        leaves = []
        found, custom = _script_leaves(tensors)
        for leaf in found:
            step = self.leaf_steps.get(id(leaf))
            if step is None:
                if len(self.leaf_steps) >= MAX_LEAVES:
                    continue
                step = self.leaf_steps[id(leaf)] = {"tensor": leaf, "cell": self.cell, "calls": 0}
                step["custom_function"] = custom
            leaves.append((leaf, step, leaf.detach().clone()))
        return leaves

    def _after_backward(self, leaves: list[tuple[Any, dict[str, Any], Any]]) -> None:
        """Keep each weight's value and gradient at its first and last backward pass, and
        its value at the second (the first update shows between the first two)."""
        for leaf, step, before in leaves:
            grad = None if leaf.grad is None else leaf.grad.detach().clone()
            step["calls"] += 1
            if step["calls"] == 1:
                step["first"] = (before, grad)
            elif step["calls"] == 2:
                step["second"] = before
            step["last"] = (before, grad)

    def _patch_loader(self, loader_cls: type) -> None:
        original = loader_cls.__init__
        recorder = self

        @functools.wraps(original)
        def __init__(self: Any, dataset: Any, *args: Any, **kwargs: Any) -> None:
            original(self, dataset, *args, **kwargs)
            if len(recorder.loaders) < MAX_OBJECTS and recorder.recording:
                recorder.loaders.append({"object": self, "dataset": dataset, "cell": recorder.cell})

        loader_cls.__init__ = __init__

    def _patch_loader_iteration(self, loader_cls: type) -> None:
        import torch

        original = loader_cls.__iter__
        recorder = self

        @functools.wraps(original)
        def __iter__(self: Any) -> Any:
            if not recorder.recording:
                return original(self)
            recorder.current_loader = self
            # An evaluation pass: over a test split, or without gradients (validation).
            testing = getattr(self.dataset, "train", True) is False or not torch.is_grad_enabled()
            if not testing:
                recorder.training_passes += 1
            budget = recorder.budget
            if not budget:
                return original(self)
            images = budget["test_images"] if testing else budget["images"]
            per_pass = -(-images // (self.batch_size or 1))
            if testing:
                inner = original(self)
                return _budgeted(self, inner, itertools.islice(inner, per_pass))
            key = (id(self), recorder.cell)
            allowance = recorder.loader_allowance.setdefault(key, per_pass * budget["epochs"])
            if allowance <= 0:
                return _budgeted(self, None, iter(()))
            inner = original(self)
            return _budgeted(self, inner, recorder._spend(key, itertools.islice(inner, per_pass)))

        loader_cls.__iter__ = __iter__

    def _spend(self, loader: tuple[int, int], batches: Any) -> Any:
        """Yield batches while the loader's budget lasts (a peek costs only what it took)."""
        for batch in batches:
            if self.loader_allowance[loader] <= 0:
                return
            self.loader_allowance[loader] -= 1
            yield batch

    def _patch_torchvision(self) -> None:
        import inspect

        import torchvision.datasets as tv_datasets
        from torchvision.datasets.vision import VisionDataset

        datasets.accept_rebuilt_cifar(sys.modules["torchvision"])
        for name in dir(tv_datasets):
            cls = getattr(tv_datasets, name)
            if inspect.isclass(cls) and issubclass(cls, VisionDataset) and cls is not VisionDataset:
                # FashionMNIST inherits MNIST's __init__: a catalogue class gets its own wrapper.
                if "__init__" in cls.__dict__ or self.folder_of(name) is not None:
                    cls.__init__ = self._dataset_init(cls, cls.__init__)

    def _dataset_init(self, cls: type, original: Any) -> Any:
        import inspect

        recorder = self
        signature = inspect.signature(original)

        @functools.wraps(original)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            try:
                bound = signature.bind(self, *args, **kwargs)
                bound.apply_defaults()
                arguments = dict(bound.arguments)
            except TypeError:
                arguments = dict(kwargs)
            arguments.pop("self", None)
            if recorder.quiet:
                return original(self, *args, **kwargs)
            entry = {
                "class": cls.__name__,
                "cell": recorder.cell,
                "arguments": arguments,
                "object": self,
                "loaded": False,
            }
            if type(self) is cls and len(recorder.datasets) < MAX_OBJECTS and not recorder.sealed:
                recorder.datasets.append(entry)
            folder = recorder.folder_of(cls.__name__)
            if folder is not None and type(self) is cls:
                args, kwargs = (
                    (),
                    datasets.redirect(cls.__name__, folder, arguments, recorder.data_root),
                )
            original(self, *args, **kwargs)
            entry["loaded"] = True

        return __init__

    # -- per-cell bookkeeping -----------------------------------------------

    def after_cell(self, index: int, namespace: dict[str, Any] | None = None) -> None:
        """Snapshot a few values of every parameter of each root module, and keep the
        cell's view: the numbers, arrays and tensors its names were bound to."""
        if namespace is not None:
            self._keep_view(index, namespace)
        for module in self.root_modules()[-MAX_SNAPSHOT_MODULES:]:
            params = []
            for param in list(module.parameters())[:64]:
                params.append({"value": _flat(param), "grad": _flat(param.grad)})
            self.snapshots.append({"cell": index, "module": id(module), "params": params})

    def after_statement(self, index: int, namespace: dict[str, Any], line: int) -> None:
        """Keep the view after one top-level statement of cell `index` (its last `line`)."""
        try:
            self._keep_view(index, namespace, line)
        except Exception:  # noqa: BLE001 - a value that fails to describe itself is not kept
            pass

    def _keep_view(self, index: int, namespace: dict[str, Any], line: int | None = None) -> None:
        values = {}
        for name, value in list(namespace.items()):
            kept = None if name.startswith("_") else _viewable(value)
            if kept is None or self.bound.get(name) == _identity(value):
                continue
            size = _elements(kept)
            if size > MAX_VIEW_ELEMENTS or self.view_elements + size > MAX_VIEWS_ELEMENTS:
                continue
            self.view_elements += size
            self.bound[name] = _identity(value)
            values[name] = kept
        if values:
            self.views.append({"cell": index, "line": line, "values": values})

    def scopes(self) -> list[tuple[str, dict[str, Any]]]:
        """Each view with the names as they were bound then, latest first: (where, names)."""
        merged: dict[str, Any] = {}
        scopes = []
        for view in self.views:
            merged = {**merged, **view["values"]}
            if view["line"] is None:
                where = _("after cell {cell}").format(cell=view["cell"] + 1)
            else:
                where = _("after line {line} of cell {cell}").format(
                    line=view["line"], cell=view["cell"] + 1
                )
            scopes.append((where, merged))
        return scopes[::-1]

    def root_modules(self) -> list[Any]:
        """Recorded modules that are not a part of another recorded module."""
        import torch

        children: set[int] = set()
        for module, _cell in self.modules:
            for child in module.modules():
                if child is not module:
                    children.add(id(child))
        return [
            module
            for module, _ in self.modules
            if id(module) not in children and not isinstance(module, torch.nn.modules.loss._Loss)
        ]

    def folder_of(self, class_name: str) -> str | None:
        """Where the catalogue keeps the dataset of this torchvision class (None: not ours)."""
        for entry in self.catalogue.values():
            if entry["class"] == class_name:
                return entry["folder"]
        return None

    def optimizers_of(self, module: Any) -> list[dict[str, Any]]:
        """The recorded optimizers that stepped any parameter of `module`."""
        ids = {id(p) for p in module.parameters()}
        found = []
        for entry in self.optimizers:
            params = entry["object"].param_groups
            if entry["steps"] and ids & {id(p) for g in params for p in g["params"]}:
                found.append(entry)
        return found

    def penalised(self, module: Any) -> bool:
        """Whether a recorded loss added a squared-norm penalty on `module`'s parameters."""
        ids = {id(p) for p in module.parameters()}
        return any(ids & set(g["penalised_ids"]) for g in self.graphs)

    def cell_of(self, obj: Any) -> int:
        for module, cell in self.modules:
            if module is obj:
                return cell
        return -1


class _BudgetedIterator:
    """A loader's pass under the budget, answering as the loader's own iterator would:
    `next()`, `.next()`, `len()` and its attributes (subclasses take its class name)."""

    def __init__(self, inner: Any, batches: Any) -> None:
        self._inner = inner
        self._batches = batches

    def __iter__(self) -> Any:
        return self

    def __next__(self) -> Any:
        return next(self._batches)

    next = compat.dataiter_next

    def __len__(self) -> int:
        return len(self._inner) if self._inner is not None else 0

    def __getattr__(self, name: str) -> Any:
        if name in ("_inner", "_batches") or self._inner is None:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        return getattr(self._inner, name)


_BUDGETED_CLASSES: dict[str, type] = {}


def _budgeted(loader: Any, inner: Any, batches: Any) -> _BudgetedIterator:
    """`batches` of `loader` in an iterator named like the one the loader itself makes."""
    from torch.utils.data import dataloader

    own = dataloader._SingleProcessDataLoaderIter
    if loader.num_workers:
        own = dataloader._MultiProcessingDataLoaderIter
    cls = _BUDGETED_CLASSES.get(own.__name__)
    if cls is None:
        names = {"__qualname__": own.__qualname__, "__module__": own.__module__}
        cls = _BUDGETED_CLASSES[own.__name__] = type(own.__name__, (_BudgetedIterator,), names)
    return cls(inner, batches)


class _AfterImport(importlib.abc.MetaPathFinder):
    """Run `callback` right after the module `name` has been imported."""

    def __init__(self, name: str, callback: Any) -> None:
        self.name = name
        self.callback = callback

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        exec_module = loader.exec_module
        callback = self.callback

        def run_then_patch(module: Any) -> None:
            exec_module(module)
            callback()

        loader.exec_module = run_then_patch
        return spec


def augmentations_of(dataset: Any) -> list[str]:
    """The random augmentations in a dataset's transform (by class name)."""
    return [n for n in transform_names(getattr(dataset, "transform", None)) if n in AUGMENTATIONS]


def transform_names(transform: Any) -> list[str]:
    """Class names of a transform, with Compose (and the like) flattened."""
    inner = getattr(transform, "transforms", None)
    if isinstance(inner, (list, tuple)):
        return [name for t in inner for name in transform_names(t)]
    return [type(transform).__name__] if transform is not None else []


def _viewable(value: Any) -> Any:
    """What a cell's view keeps of a value: a tensor detached from its graph, an array, a
    number, a list or tuple of those; None for anything else."""
    import numpy as np
    import torch

    if isinstance(value, torch.Tensor):  # a leaf as it is (its .grad), a result without its graph
        return value if value.grad_fn is None else value.detach()
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple)) and 0 < len(value) <= 10_000:
        if all(isinstance(v, (int, float, torch.Tensor, np.ndarray, np.generic)) for v in value):
            return value
    return None


def _identity(value: Any) -> tuple[int, int]:
    """The object and, for a tensor, its storage: a rebinding changes one of them."""
    pointer = getattr(value, "data_ptr", None)
    return id(value), pointer() if callable(pointer) else 0


def _elements(value: Any) -> int:
    if isinstance(value, (list, tuple)):
        return sum(_elements(v) for v in value) + len(value)
    numel = getattr(value, "numel", None)
    return int(numel() if callable(numel) else getattr(value, "size", 1))


def _script_leaves(tensors: Any) -> tuple[list[Any], bool]:
    """Leaf tensors a backward pass reaches that are not `nn.Parameter`s (a script's
    weights), and whether the graph runs a custom `torch.autograd.Function`."""
    import torch
    from torch.autograd.function import BackwardCFunction

    roots = tensors if isinstance(tensors, (list, tuple)) else [tensors]
    seen: set[int] = set()
    found = []
    custom = False
    stack = [getattr(t, "grad_fn", None) for t in roots]
    while stack and len(seen) < MAX_GRAPH_NODES:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        custom = custom or isinstance(node, BackwardCFunction)
        leaf = getattr(node, "variable", None)
        if (
            leaf is not None
            and not isinstance(leaf, torch.nn.Parameter)
            and leaf.numel() <= MAX_LEAF_ELEMENTS
        ):
            found.append(leaf)
        stack.extend(p for p, _ in getattr(node, "next_functions", ()) if p is not None)
    return found, custom


def _flat(tensor: Any) -> list[float] | None:
    if tensor is None:
        return None
    values = tensor.detach().reshape(-1)[:SNAPSHOT_ELEMENTS]
    return [float(v) for v in values.double().tolist()]


def _smallest_param(optimizer: Any) -> Any:
    params = [p for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
    return min(params, key=lambda p: p.numel()) if params else None


def _loss_sample(input: Any, args: tuple, kwargs: dict, value: Any) -> dict[str, Any]:
    """A small loss call as plain numbers: its input, target and value (when small enough)."""
    target = args[0] if args else kwargs.get("target")
    sample: dict[str, Any] = {"input_shape": list(getattr(input, "shape", []))}
    try:
        if input.numel() <= SAMPLE_ELEMENTS and target.numel() <= SAMPLE_ELEMENTS:
            sample["input"] = input.detach().double().reshape(-1).tolist()
            sample["target"] = target.detach().double().reshape(-1).tolist()
            sample["value"] = float(value.detach()) if value.numel() == 1 else None
    except (AttributeError, RuntimeError, TypeError):
        pass
    return sample


def _rows_are_log_probabilities(input: Any) -> bool | None:
    import torch

    try:
        with torch.no_grad():
            if input.dim() < 2:
                return None
            total = torch.logsumexp(input.detach().double(), dim=1)
            return bool(torch.allclose(total, torch.zeros_like(total), atol=1e-4))
    except Exception:
        return None


def _describe_graph(tensors: Any) -> dict[str, Any]:
    """Node names of an autograd graph and whether a parameter is penalised."""
    roots = tensors if isinstance(tensors, (list, tuple)) else [tensors]
    seen: set[int] = set()
    names: set[str] = set()
    penalised: set[int] = set()
    stack = [getattr(t, "grad_fn", None) for t in roots]
    while stack and len(seen) < MAX_GRAPH_NODES:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        name = type(node).__name__
        names.add(name)
        parents = [p for p, _ in getattr(node, "next_functions", ()) if p is not None]
        leaves = [p for p in parents if type(p).__name__ == "AccumulateGrad"]
        squared = name.startswith("MulBackward") and len(leaves) == 2 and leaves[0] is leaves[1]
        if leaves and (name.startswith(PENALTY_NODES) or squared):
            penalised.update(id(leaf.variable) for leaf in leaves if hasattr(leaf, "variable"))
        stack.extend(parents)
    return {
        "nodes": sorted(names),
        "parameter_penalty": bool(penalised),
        "penalised_ids": sorted(penalised),
    }
