"""The modules that hold a handle on the compiled validation kernels, and a switch that turns them off."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType


def holders() -> tuple[ModuleType, ...]:
    """Every validation module with a ``_kernel`` (validation/_kernels.c, or None when not built)."""
    from chukan_layout.validation import checks_charset, checks_date, context, utf8

    return (checks_charset, checks_date, context, utf8)


@contextmanager
def kernels_off() -> Iterator[None]:
    """Inside: every validation kernel handle patched to None (the numpy/Arrow routes run)."""
    mods = holders()
    kept = [m._kernel for m in mods]
    for m in mods:
        m._kernel = None
    try:
        yield
    finally:
        for m, k in zip(mods, kept, strict=True):
            m._kernel = k
