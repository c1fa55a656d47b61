"""chukan-layout: migrate Japanese municipal data into the 中間標準レイアウト仕様.

Library entry points (imported lazily so ``import chukan_layout`` stays cheap)::

    import chukan_layout as cl
    layout = cl.load_layout("juki.jumin")
    layout.model.model_validate({...})        # one record, Pydantic
    for batch in cl.read("JUMIN.DAT", definition): ...
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "convert",
    "list_layouts",
    "load_layout",
    "read",
    "validate",
]

_LAZY = {
    "load_layout": ("chukan_layout.spec.registry", "load_layout"),
    "list_layouts": ("chukan_layout.spec.registry", "list_layouts"),
    "read": ("chukan_layout.read.api", "read"),
    "convert": ("chukan_layout.pipeline", "convert"),
    "validate": ("chukan_layout.pipeline", "validate"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'chukan_layout' has no attribute {name!r}")
