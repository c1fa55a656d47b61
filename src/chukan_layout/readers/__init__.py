"""Readers: byte-exact fixed-width and streaming CSV into Arrow batches of strings.

Public entry points: :func:`read` (:mod:`.api`), the renderer :func:`render_fixed` /
:func:`render_csv` / :func:`encode_field` (:mod:`.render`), encoding detection
:func:`detect_encoding` (:mod:`.detect`), the record definitions (:mod:`.definition`) and the
one reader of standard-layout CSV files, :func:`read_standard_csv` (:mod:`.standard_csv`).
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
from .standard_csv import StandardCsvReader, read_standard_csv

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
    "StandardCsvReader",
    "encode_field",
    "read",
    "read_standard_csv",
    "render_csv",
    "render_fixed",
]
