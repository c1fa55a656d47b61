"""Plain inputs of :func:`chukan_layout.report.build.build_report`.

The pipeline fills these simple dataclasses as it runs (no Pydantic, no hashing, no
sorting needed); :func:`build_report` turns them into the :class:`~.model.Report`.
Paths are shown in the report as given: pass them relative to something stable (e.g.
the output folder or the working directory) if reports must compare byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .model import EncodingSource, FigureKind


@dataclass
class LayoutInfo:
    """A layout used in the run. ``path`` (the YAML file) is hashed unless ``sha256`` is given.

    ``LayoutInfo.of(load_layout("juki.jumin"))`` reads ``id``, ``spec_version``, ``title.ja``
    and the YAML path from a loaded layout.
    """

    id: str
    spec_version: str
    title_ja: str = ""
    path: str | Path | None = None
    sha256: str | None = None

    @classmethod
    def of(cls, layout: Any, path: str | Path | None = None) -> LayoutInfo:
        """From a ``LoadedLayout`` (``load_layout(...)``; its file is hashed) or a spec ``Layout``."""
        spec = getattr(layout, "spec", layout)
        path = path if path is not None else getattr(layout, "path", None)
        title = getattr(getattr(spec, "title", None), "ja", "") or ""
        return cls(id=spec.id, spec_version=spec.spec_version, title_ja=title, path=path)


@dataclass
class InputInfo:
    """A file the run read. ``size``/``sha256`` are computed from ``path`` when not given.

    ``file_id`` is the ``_source`` id findings and accounting use (default: the file name).
    ``encoding_source`` is one of flag / adapter / detected / bom / default; ``encoding_evidence``
    a one-line summary (e.g. "strict cp932 ok over 1.2 MB; utf-8 fails at byte 17").
    ``framing`` describes records, e.g. "fixed 320 bytes + CRLF, header/trailer".
    """

    path: str | Path
    role: str = "source"
    file_id: str | None = None
    encoding: str | None = None
    encoding_source: EncodingSource = "detected"
    encoding_evidence: str = ""
    framing: str = ""
    size: int | None = None
    sha256: str | None = None


@dataclass
class OutputInfo:
    """A file the run wrote (standard CSV, rejects …) with its record count.

    Give ``sha256``/``size`` from the writer (``HashingWriter``) or let them be computed.
    """

    path: str | Path
    records: int
    layout_id: str | None = None
    role: str = "standard"
    size: int | None = None
    sha256: str | None = None


@dataclass
class FileCounts:
    """Accounting of one source file. Must satisfy read == written + rejected + control_records.

    ``rejected_by_reason`` counts rejected records per reason code (a record with several
    reasons counts under each, so the sum may exceed ``rejected``).
    """

    file: str
    records_read: int
    written: int
    rejected: int
    control_records: int = 0
    rejected_by_reason: Mapping[str, int] = field(default_factory=dict)
    layout_id: str | None = None


@dataclass
class TrailerCheck:
    """A trailer/header figure (record count or control total) vs. what was counted.

    ``declared`` and ``counted`` are exact numbers (int, Decimal or decimal string); they
    are compared numerically when both parse as decimals, else as text.
    """

    file: str
    field: str
    declared: int | Decimal | str
    counted: int | Decimal | str
    kind: FigureKind = "record_count"
    label_ja: str = ""


@dataclass
class GaijiCounts:
    """外字 outcome of the run.

    ``by_status``: occurrences per status (exact / identified / degraded / unmapped / replaced /
    not_in_target); ``unmapped``: code → occurrences, the code in ``U+XXXX`` notation (PUA) or the
    source system's hex (e.g. "F040"); ``not_storable``: character (or ``U+XXXX U+E0100``
    notation), optionally keyed ``(charset, character)``, → occurrences of characters the
    target charset cannot store; ``items``: code/character → item ids where it was seen.

    :meth:`from_stage` takes the 外字 stage's counters (``GaijiStage.counters``) or their
    ``as_dict()`` directly.
    """

    by_status: Mapping[str, int] = field(default_factory=dict)
    unmapped: Mapping[str, int] = field(default_factory=dict)
    not_storable: Mapping[str | tuple[str, str], int] = field(default_factory=dict)
    target_charset: str | None = None
    by_item: Mapping[str, int] = field(default_factory=dict)
    items: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @classmethod
    def from_stage(cls, summary: Any, target_charset: str | None = None) -> GaijiCounts:
        """From ``chukan_layout.gaiji.summary.GaijiSummary`` (counters) or its ``as_dict()``."""
        d = summary.as_dict(top=1 << 30) if hasattr(summary, "as_dict") else summary
        items: dict[str, Sequence[str]] = {}
        unmapped: dict[str, int] = {}
        for u in d.get("top_unmapped", []):
            unmapped[u["code"]] = unmapped.get(u["code"], 0) + int(u["count"])
            items[u["code"]] = sorted({*items.get(u["code"], ()), *u.get("items", [])})
        not_storable: dict[str | tuple[str, str], int] = {}
        for c in d.get("not_storable", []):
            key = (c.get("charset") or "", c["code"])
            not_storable[key] = not_storable.get(key, 0) + int(c["count"])
            items[c["code"]] = sorted({*items.get(c["code"], ()), *c.get("items", [])})
        return cls(
            by_status=dict(d.get("by_status", {})),
            unmapped=unmapped,
            not_storable=not_storable,
            target_charset=target_charset,
            by_item=dict(d.get("by_item", {})),
            items=items,
        )
