"""Structural faults of a whole file, as findings (issue 14, point 3): never a silent PASS.

- ``file.no_data`` — a file with no data record at all (0 bytes, a header row only, header
  and trailer only): a migration file that carries nothing is an error, not an empty success.
- ``file.missing_column`` — a standard CSV whose header lacks a required item's column (the
  whole column of 氏名 missing passed before: every record's value counted as blank-but-present).
- ``file.trailer_missing`` — the adapter declares a trailer record and the file has none (a
  file cut at a record boundary lost its tail and its trailer together).
- ``file.trailer_not_checked`` — a trailer is declared without ``control:`` settings: its
  count and totals are not reconciled. Said explicitly (warning) instead of "対象なし, ok".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..findings import FindingSet, Severity, register_code
from .base import STAGE

register_code(
    "file.no_data",
    Severity.ERROR,
    "The file holds no data record (empty, header only, or control records only)",
    "データレコードなし(空ファイル・ヘッダのみ・制御レコードのみ)",
    stage=STAGE,
    doc="""\
A file given to convert or validate has no data record: it is empty (0 bytes), or holds only a
header row (standard CSV) or only header / trailer records (vendor files). A migration file
that carries nothing is an error, not an empty success; override with
``--severity file.no_data=warning`` where an empty file is expected.

Bad: ``juki_jumin.csv`` of 0 bytes, or with the header row of 項目名称 and nothing after it
Good: the header row and at least one data row
""",
)
register_code(
    "file.missing_column",
    Severity.ERROR,
    "An item's column is missing from the header row (error when the item is required)",
    "項目の列がヘッダにない(必須項目はエラー)",
    stage=STAGE,
    doc="""\
The header row of a standard CSV lacks the column of an item of its layout: an error for a
required item, a warning for an optional one. The finding names the item (its 項目名称 in the
report); every record of the file lacks the value.

Bad: a juki.jumin file whose header has no ``氏名`` column
Good: every required item of the layout has its column (in any order)
""",
)
register_code(
    "file.trailer_missing",
    Severity.ERROR,
    "The adapter declares a trailer record and the file has none",
    "トレーラレコードがない(ファイル末尾の欠落の疑い)",
    stage=STAGE,
    doc="""\
The record definition of the file declares a trailer record type, and no record of that type
was read: the file may have been cut (at a record boundary, so that no record is broken) and
lost its last records together with the trailer that would have counted them.

Bad: a vendor A JUMIN.DAT whose last 26 records and trailer are missing
Good: the file as exported, ending with its trailer record
""",
)
register_code(
    "file.trailer_not_checked",
    Severity.WARNING,
    "A trailer is declared without control settings: its count and totals are not checked",
    "トレーラの件数・合計は照合していない(control 設定なし)",
    stage=STAGE,
    doc="""\
The record definition declares a trailer record type without ``control:`` (which trailer field
holds the record count, which hold control totals). The trailer was read but nothing it states
was reconciled with the data. Add ``control: {count: FIELD, totals: {FIELD: DATA_FIELD}}`` to
the trailer record type to have it checked.

Bad: ``role: trailer`` with fields 件数 and 合計 but no ``control:``
Good: ``role: trailer`` with ``control: {count: KENSU}``
""",
)


def check_data_present(file: str, data_records: int, findings: FindingSet, *, what: str = "") -> None:
    """``file.no_data`` when ``file`` had no data record."""
    if data_records == 0:
        findings.add("file.no_data", file=file, details=[what or "no data record in the file"])


def check_columns(layout: Any, header: Sequence[str], file: str, findings: FindingSet) -> list[str]:
    """``file.missing_column`` per layout item whose column (項目名称 or id) is not in ``header``.

    Error for a required item; warning for an optional one (the column is still expected in a
    standard file). Returns the ids of the missing required items.
    """
    present = set(header)
    missing = []
    for it in layout.items:
        if it.name in present or it.id in present:
            continue
        required = bool(getattr(it, "required", False))
        if required:
            missing.append(it.id)
        findings.add("file.missing_column", file=file, item=it.id, severity=None if required else "warning",
                     details=[f"{'required ' if required else ''}column {it.name} ({it.id}) is not in the header row"])  # fmt: skip
    return missing


def check_trailers(
    file: str, definition: Any, trailers: Iterable[dict[str, Any]], findings: FindingSet
) -> None:
    """``file.trailer_missing`` / ``file.trailer_not_checked`` for a fixed-width file's declared trailer."""
    declared = [rt for rt in getattr(definition, "record_types", ()) if str(getattr(rt, "role", "")) in
                ("trailer", "RecordRole.TRAILER")]  # fmt: skip
    if not declared:
        return
    seen = list(trailers)
    if not seen:
        names = ", ".join(rt.name for rt in declared)
        findings.add("file.trailer_missing", file=file,
                     details=[f"no trailer record ({names}) in the file: its end may be missing"])  # fmt: skip
        return
    for t in seen:
        rt = next((r for r in declared if r.name == t.get("_record_type")), None)
        if rt is not None and rt.control is None:
            findings.add("file.trailer_not_checked", file=file, records=[int(t.get("_record", 0))],
                         details=[f"trailer {rt.name} has no control: settings; count and totals not reconciled"])  # fmt: skip


def unchecked_trailers(definition: Any) -> list[str]:
    """Names of the trailer record types declared without ``control:`` (for a load-time warning)."""
    return [rt.name for rt in getattr(definition, "record_types", ())
            if str(getattr(rt, "role", "")) in ("trailer", "RecordRole.TRAILER") and rt.control is None]  # fmt: skip
