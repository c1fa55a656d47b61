"""Readers: byte-exact fixed-width and streaming CSV into Arrow batches of strings.

Public entry points: :func:`read` (:mod:`.api`), the renderer :func:`render_fixed` /
:func:`render_csv` / :func:`encode_field` (:mod:`.render`), encoding detection
:func:`detect_encoding` (:mod:`.detect`) and the record definitions (:mod:`.definition`).
"""

from __future__ import annotations

import sys
import types
from typing import Any

from .api import Reader, ReadStats, Reject, read
from .definition import (
    CsvDefinition,
    FieldDef,
    FieldType,
    FixedWidthDefinition,
    Framing,
    RecordRole,
    RecordType,
)
from .render import encode_field, render_csv, render_fixed

__all__ = [
    "CsvDefinition",
    "FieldDef",
    "FieldType",
    "FixedWidthDefinition",
    "Framing",
    "ReadStats",
    "Reader",
    "RecordRole",
    "RecordType",
    "Reject",
    "encode_field",
    "read",
    "render_csv",
    "render_fixed",
]


class _CallablePackage(types.ModuleType):
    """``chukan_layout.read(...)`` is the library entry point (:func:`.api.read`), but importing this
    package sets the attribute ``chukan_layout.read`` to the package itself: calling the package
    reads, so both meanings work (as for ``chukan_layout.validate``)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Reader:
        return read(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
