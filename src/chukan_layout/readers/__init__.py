"""Readers: byte-exact fixed-width and streaming CSV into Arrow batches of strings.

Public entry points: :func:`read` (:mod:`.api`), the renderer :func:`render_fixed` /
:func:`render_csv` / :func:`encode_field` (:mod:`.render`), encoding detection
:func:`detect_encoding` (:mod:`.detect`) and the record definitions (:mod:`.definition`).
"""

from __future__ import annotations

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
