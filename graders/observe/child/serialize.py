"""Turn submission objects into plain JSON observations, with size caps."""

from __future__ import annotations

import math
from typing import Any

MAX_ELEMENTS = 100_000
MAX_STRING = 10_000
MAX_ITEMS = 1_000


def _number(x: float) -> float | str:
    x = float(x)
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def _tensor(t: Any, kind: str) -> dict[str, Any]:
    import torch

    t = t.detach().to("cpu")
    shape = list(t.shape)
    out: dict[str, Any] = {
        "type": kind,
        "shape": shape,
        "dtype": str(t.dtype).replace("torch.", ""),
    }
    if t.numel() > MAX_ELEMENTS:
        out["truncated"] = True
        return out
    if t.is_complex():
        t = t.real
    if t.dtype == torch.bool:
        out["data"] = [bool(v) for v in t.reshape(-1).tolist()]
    else:
        out["data"] = [_number(v) for v in t.to(torch.float64).reshape(-1).tolist()]
    return out


def to_json(obj: Any, depth: int = 0) -> dict[str, Any]:
    """A JSON description of `obj`: its type and, within the caps, its value."""
    if depth > 6:
        return {"type": "other", "class": type(obj).__name__}
    if obj is None:
        return {"type": "none"}
    if isinstance(obj, bool):
        return {"type": "bool", "value": obj}
    if isinstance(obj, int):
        return {"type": "number", "value": obj if abs(obj) < 2**53 else float(obj)}
    if isinstance(obj, float):
        return {"type": "number", "value": _number(obj)}
    if isinstance(obj, str):
        return {"type": "str", "value": obj[:MAX_STRING]}
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        torch = None
    if torch is not None:
        if isinstance(obj, torch.Size):
            return {"type": "shape", "value": [int(v) for v in obj]}
        if isinstance(obj, torch.Tensor):
            if obj.dim() == 0 and not obj.is_complex():
                out = _tensor(obj, "tensor")
                out["value"] = out["data"][0] if "data" in out else None
                return out
            return _tensor(obj, "tensor")
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        np = None
    if np is not None:
        if isinstance(obj, np.generic):
            return to_json(obj.item(), depth + 1)
        if isinstance(obj, np.ndarray) and obj.dtype.kind in "biuf":
            import torch

            return _tensor(torch.from_numpy(np.ascontiguousarray(obj)), "ndarray")
    if isinstance(obj, (list, tuple)):
        items = [to_json(v, depth + 1) for v in list(obj)[:MAX_ITEMS]]
        return {"type": "list", "items": items, "length": len(obj)}
    if isinstance(obj, dict):
        items = {str(k): to_json(v, depth + 1) for k, v in list(obj.items())[:MAX_ITEMS]}
        return {"type": "dict", "items": items}
    return {"type": "other", "class": type(obj).__name__}
