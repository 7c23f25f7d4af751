"""Numbers from observations, compared with tolerances."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..i18n import _


class NotNumeric(ValueError):
    """The observation holds no numbers."""


def _float(value: Any) -> float:
    if isinstance(value, str):
        return float(value)  # "nan", "inf", "-inf"
    return float(value)


def numbers(observation: dict[str, Any]) -> np.ndarray:
    """The numbers an observation holds, as a float array in its own shape."""
    kind = observation.get("type")
    if kind == "number" or kind == "bool":
        return np.array(_float(observation["value"]))
    if kind in ("tensor", "ndarray"):
        if "data" not in observation:
            raise NotNumeric(
                _("a {kind} of shape {shape} (too large)").format(
                    kind=observation["type"], shape=observation["shape"]
                )
            )
        data = np.array([_float(v) for v in observation["data"]], dtype=float)
        return data.reshape(observation["shape"])
    if kind == "shape":
        return np.array(observation["value"], dtype=float)
    if kind == "list":
        items = [numbers(item) for item in observation["items"]]
        try:
            return np.array(items, dtype=float)
        except ValueError as exc:
            raise NotNumeric(_("a list of unequal parts")) from exc
    if kind == "str":
        try:
            return np.array(float(observation["value"]))
        except ValueError as exc:
            raise NotNumeric(
                _("the text {text!r}").format(text=observation["value"][:40])
            ) from exc
    raise NotNumeric(_("a {kind}").format(kind=observation.get("class", kind)))


def parts(observation: dict[str, Any]) -> list[np.ndarray]:
    """The numbers of an observation as arrays: one, or one per item of a ragged list
    (a function returning a loss and two gradients, say)."""
    try:
        return [numbers(observation)]
    except NotNumeric:
        if observation.get("type") != "list":
            raise
    return [array for item in observation["items"] for array in parts(item)]


def all_close(
    found: list[np.ndarray], expected: list[np.ndarray], rtol: float, atol: float
) -> bool:
    """Same number of parts, each `close` to its counterpart."""
    return len(found) == len(expected) and all(
        close(f, e, rtol, atol) for f, e in zip(found, expected)
    )


def shape_of(observation: dict[str, Any]) -> list[int]:
    """The shape of an observed tensor, array, list or `torch.Size`."""
    kind = observation.get("type")
    if kind in ("tensor", "ndarray"):
        return list(observation["shape"])
    if kind == "shape":
        return list(observation["value"])
    return list(numbers(observation).shape)


def close(found: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> bool:
    """Same shape (after squeezing) and every element within tolerance."""
    found, expected = np.squeeze(found), np.squeeze(expected)
    if found.shape != expected.shape:
        return False
    return bool(np.allclose(found, expected, rtol=rtol, atol=atol, equal_nan=False))


def show(value: Any, digits: int = 4) -> str:
    """A short human-readable rendering of a number or an array."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return _one(float(array), digits)
    flat = array.reshape(-1)
    body = ", ".join(_one(float(v), digits) for v in flat[:8])
    more = _(", ... ({count} values)").format(count=flat.size) if flat.size > 8 else ""
    return f"[{body}{more}]"


def _one(x: float, digits: int) -> str:
    if not math.isfinite(x):
        return str(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.{digits}g}"
