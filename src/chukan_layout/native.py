"""The optional compiled kernels: which are built, and the switch that turns them all off.

A few byte loops that neither numpy nor pyarrow can do in one pass are written in C (a cp932
column to UTF-8: ``readers/_dbcs.c``; rows of string columns as standard CSV text:
``write/_csv_rows.c``; the CSV fast path's parse: ``readers/_csvparse.c``). ``pip install``
builds them when the machine has a C compiler and the Python headers (``setup.py``: optional
extensions) and goes on without them otherwise: every
kernel has a pure Python/Arrow route that gives the same bytes, tested against it, and
:func:`load` answers None so that route runs.

``CHUKAN_LAYOUT_NATIVE=0`` in the environment turns every kernel off (the pure routes only: an
A/B of the two, or a suspected kernel fault).
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

ENV = "CHUKAN_LAYOUT_NATIVE"
KERNELS = (
    "chukan_layout.readers._dbcs",
    "chukan_layout.pipeline._csvscan",
    "chukan_layout.validation._kernels",
    "chukan_layout.write._csv_rows",
    "chukan_layout.readers._csvparse",
)


def enabled() -> bool:
    """False when ``CHUKAN_LAYOUT_NATIVE=0`` turns the compiled kernels off."""
    return os.environ.get(ENV, "1").strip() not in ("0", "no", "false", "off")


def load(name: str) -> ModuleType | None:
    """The compiled module ``name`` if it is built and the kernels are on, else None."""
    if not enabled():
        return None
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def built() -> dict[str, bool]:
    """Each kernel of :data:`KERNELS`: is it built (whether or not the switch allows it)."""
    out = {}
    for name in KERNELS:
        try:
            importlib.import_module(name)
        except ImportError:
            out[name] = False
        else:
            out[name] = True
    return out
