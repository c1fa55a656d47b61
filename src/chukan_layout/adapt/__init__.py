"""Vendor adapters: YAML files that map a vendor's record definitions onto the standard layouts.

- :func:`load_adapter` (a shipped name, a plugin name or a YAML path) → :class:`Adapter`;
  :func:`adapter_names` lists the shipped and plugin adapters.
- :class:`AdaptEngine` runs an adapter on reader batches (``adapt(source, batch, findings)``
  → :class:`AdaptResult`: one Arrow batch per target layout, unrouted rows).
- :func:`transform_names` / :func:`get_transform`: the transform registry (built-in and plugins).

Names load lazily: ``import chukan_layout.adapt`` imports nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import AdaptEngine, AdaptResult, LookupTable
    from .loader import Adapter, SourceSpec, compile_adapter, load_adapter
    from .registry import adapter_names, get_transform, resolve_adapter, transform_names

__all__ = [
    "AdaptEngine",
    "AdaptResult",
    "Adapter",
    "LookupTable",
    "SourceSpec",
    "adapter_names",
    "compile_adapter",
    "get_transform",
    "load_adapter",
    "resolve_adapter",
    "transform_names",
]

_LAZY = {
    "AdaptEngine": "engine",
    "AdaptResult": "engine",
    "LookupTable": "engine",
    "Adapter": "loader",
    "SourceSpec": "loader",
    "compile_adapter": "loader",
    "load_adapter": "loader",
    "adapter_names": "registry",
    "get_transform": "registry",
    "resolve_adapter": "registry",
    "transform_names": "registry",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
