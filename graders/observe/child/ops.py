"""Trace the operations a module's forward pass runs, as short strings.

`conv2d(3,32,k3,s1,p1)`, `relu`, `max_pool2d(k2)`, `batch_norm(32)`,
`linear(800,10)`, `flatten`, `log_softmax`, ... in the order they ran, whether
the submission used nn layers or torch.nn.functional calls.
"""

from __future__ import annotations

from typing import Any

ACTIVATIONS = {
    "relu",
    "relu_",
    "sigmoid",
    "tanh",
    "leaky_relu",
    "elu",
    "gelu",
    "softmax",
    "log_softmax",
    "selu",
    "silu",
    "softplus",
}
FLATTENS = {"view", "reshape", "flatten"}
DROPOUTS = {"dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout"}
POOLS = {
    "max_pool1d",
    "max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "max_pool2d_with_indices",
    "_max_pool2d",
}


def _arg(args: tuple, kwargs: dict, index: int, name: str, default: Any) -> Any:
    if name in kwargs:
        return kwargs[name]
    return args[index] if len(args) > index else default


def _first(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return value[0] if len(set(value)) == 1 else "x".join(str(v) for v in value)
    return value


def describe(name: str, args: tuple, kwargs: dict) -> str | None:
    """A short string for one torch call, or None for calls that shape nothing."""
    name = name.rstrip("_") if name.endswith("_") and name[:-1] in ACTIVATIONS else name
    if name in ("conv1d", "conv2d", "conv3d"):
        weight = _arg(args, kwargs, 1, "weight", None)
        out_channels, in_per_group = weight.shape[0], weight.shape[1]
        groups = _arg(args, kwargs, 6, "groups", 1)
        kernel = _first(tuple(weight.shape[2:]))
        stride = _first(_arg(args, kwargs, 3, "stride", 1))
        padding = _first(_arg(args, kwargs, 4, "padding", 0))
        if padding == "same" and isinstance(kernel, int):
            padding = (kernel - 1) // 2
        return f"{name}({in_per_group * groups},{out_channels},k{kernel},s{stride},p{padding})"
    if name == "linear":
        weight = _arg(args, kwargs, 1, "weight", None)
        return f"linear({weight.shape[1]},{weight.shape[0]})"
    if name in ACTIVATIONS:
        return name
    if name in ("clamp", "clamp_", "clamp_min", "clamp_min_", "clip"):
        low = _arg(args, kwargs, 1, "min", None)
        high = _arg(args, kwargs, 2, "max", None)
        return "relu" if low == 0 and high is None else None
    if name in POOLS:
        kernel = _first(_arg(args, kwargs, 1, "kernel_size", "?"))
        base = "max_pool2d" if "max" in name else name
        return f"{base}(k{kernel})"
    if name == "batch_norm":
        return f"batch_norm({args[0].shape[1]})"
    if name in DROPOUTS:
        return name
    if name in FLATTENS:
        return "flatten"
    return None


def trace(module: Any, x: Any) -> tuple[list[str], Any]:
    """Run `module(x)` and return the operations it ran and its output."""
    from torch.overrides import TorchFunctionMode

    ops: list[str] = []

    class Tracer(TorchFunctionMode):
        def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None):
            kwargs = kwargs or {}
            try:
                op = describe(getattr(func, "__name__", ""), args, kwargs)
            except Exception:
                op = None
            if op is not None and (op != "flatten" or not ops or ops[-1] != "flatten"):
                ops.append(op)
            return func(*args, **kwargs)

    with Tracer():
        out = module(x)
    return ops, out
