"""Grader-chosen arguments for probes: tensors, arrays, functions and small models.

A probe argument is JSON; these build the objects it describes inside the child:
  {"randn": shape, "seed": n}      a normal tensor from the grader's seed
  {"tensor": data}                 a tensor of given values
  {"numpy": true, ...}             either of the above as a numpy array
  {"scale": s, ...}                either of them times s
  {"away_from_zero": d, ...}       values pushed at least d away from 0 (for kinks)
  {"function": name}               an activation the grader wrote (works on arrays and tensors)
  {"module": name, "seed": n}      a small model the grader built, weights from the seed
  {"value": x}                     the JSON value itself
  {"tuple": [...]}                 a tuple of the items (a shape, say), each built
  [...]                            a list of the items, each built
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _backend(z: Any) -> Any:
    import numpy as np
    import torch

    return torch if isinstance(z, torch.Tensor) else np


def _sigmoid(z: Any) -> Any:
    return 1 / (1 + _backend(z).exp(-z))


def _tanh(z: Any) -> Any:
    return _backend(z).tanh(z)


def _relu(z: Any) -> Any:
    return z * (z > 0)


def _cube(z: Any) -> Any:
    return z**3


FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "relu": _relu,
    "cube": _cube,
}


def _cam_body() -> Any:
    """Convolutional features of a small CAM network: 3x16x16 image -> 8x8x8 maps."""
    import torch.nn as nn

    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 8, 3, padding=1),
        nn.ReLU(),
    )  # fmt: skip


def _cam_head() -> Any:
    """The classifier of the CAM network: 8 pooled features -> 2 classes."""
    import torch.nn as nn

    return nn.Linear(8, 2)


MODULES: dict[str, Callable[[], Any]] = {"cam_body": _cam_body, "cam_head": _cam_head}


def _module(name: str, seed: int) -> Any:
    import torch

    module = MODULES[name]()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for param in module.parameters():
            param.copy_(torch.randn(param.shape, generator=generator) * 0.5)
    return module.eval()


def build(spec: Any, seed: int) -> Any:
    """The object a JSON argument describes (see the module docstring)."""
    import torch

    if isinstance(spec, list):
        return [build(item, seed) for item in spec]
    if not isinstance(spec, dict):
        return spec
    if "tuple" in spec:
        return tuple(build(item, seed) for item in spec["tuple"])
    if "function" in spec:
        return FUNCTIONS[spec["function"]]
    if "module" in spec:
        return _module(spec["module"], seed + spec.get("seed", 0))
    if "value" in spec:
        return spec["value"]
    dtype = getattr(torch, spec.get("dtype", "float32"))
    if "randn" in spec:
        generator = torch.Generator().manual_seed(seed + spec.get("seed", 0))
        tensor = torch.randn(*spec["randn"], generator=generator, dtype=dtype)
    elif "tensor" in spec:
        tensor = torch.tensor(spec["tensor"], dtype=dtype)
    else:
        return spec
    if "scale" in spec:
        tensor = tensor * spec["scale"]
    if "away_from_zero" in spec:
        tensor = tensor + torch.sign(tensor) * spec["away_from_zero"]
    return tensor.numpy() if spec.get("numpy") else tensor


def other_kind(value: Any) -> Any:
    """A tensor as a float64 numpy array, an array as a tensor; other values unchanged.

    The second try of a call whose first try failed: numpy code and torch code alike.
    """
    import numpy as np
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().double().numpy()
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value)
    return value


class KeyedInOrderOfUse(dict):
    """A list of parameters handed to code that reads them from a dict (`params["w1"]`,
    then `params["w2"]`): each key the code asks for takes the next parameter."""

    def __init__(self, values: list[Any]) -> None:
        super().__init__()
        self._left = list(values)

    def __missing__(self, key: Any) -> Any:
        if not self._left:
            raise KeyError(key)
        value = self[key] = self._left.pop(0)
        return value


def keyed_in_order_of_use(value: Any) -> Any:
    """A list of tensors as a `KeyedInOrderOfUse` dict; other values unchanged.

    The third try of a call: parameters kept in a dict instead of the notebook's list.
    """
    import torch

    if isinstance(value, list) and value and all(isinstance(v, torch.Tensor) for v in value):
        return KeyedInOrderOfUse(value)
    return value
