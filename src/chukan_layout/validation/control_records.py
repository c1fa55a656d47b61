"""Where control records sit in a vendor file (issue 14, point 3), as findings.

- ``file.data_after_trailer`` — data records follow a trailer record: a trailer states what
  precedes it, so records after it are outside every reconciliation (two exports concatenated,
  or a trailer written too early). Each trailer is reconciled against the data records *before
  it* (:func:`data_around`), not against the whole file.
- ``file.duplicate_header`` — a second (third, …) header record: the file's header values
  (作成日, 団体コード …) are taken from the first; later ones are named, never silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..findings import FindingSet, Severity, register_code
from .base import STAGE

register_code(
    "file.data_after_trailer",
    Severity.ERROR,
    "Data records after a trailer record",
    "トレーラレコードの後にデータレコードあり",
    stage=STAGE,
    doc="""\
A trailer record states the count and totals of the data records before it; data records after
it are reconciled by no trailer. Each trailer is checked against the records before it; the
finding points at the trailer and says how many data records follow.

Bad: header, 500 data records, trailer (件数 500), 300 more data records, trailer (件数 800)
Good: header, 800 data records, one trailer (件数 800) at the end
""",
)
register_code(
    "file.duplicate_header",
    Severity.ERROR,
    "More than one header record in the file",
    "ヘッダレコードの重複",
    stage=STAGE,
    doc="""\
A vendor file holds a second header record. Header values (作成日, 団体コード …) are taken from
the first one; each later header is a finding at its record number.

Bad: two header records (two exports concatenated into one file)
Good: one header record at the start of the file
""",
)


def data_around(trailer: int, controls: Sequence[int], records: int, n_control: int) -> tuple[int, int]:
    """(data records before, data records after) the trailer at record number ``trailer``.

    ``controls``: record numbers of the file's listed control records (headers, trailers);
    ``records``: every record of the file; ``n_control``: all its control records — the ones not
    listed (END records) are taken to follow the trailer. Rejected records count as data."""
    before_ctl = sum(1 for r in controls if r < trailer)
    after_ctl = n_control - before_ctl - 1
    return trailer - 1 - before_ctl, max(0, records - trailer - after_ctl)


def check_control_records(file: str, headers: Iterable[dict[str, Any]], trailers: Iterable[dict[str, Any]],
                          records: int, n_control: int, findings: FindingSet) -> dict[int, int]:  # fmt: skip
    """``file.duplicate_header`` and ``file.data_after_trailer``; returns, per trailer record
    number, the data records before it (what its count is checked against)."""
    hs = sorted(int(h["_record"]) for h in headers)
    ts = sorted(int(t["_record"]) for t in trailers)
    if len(hs) > 1:
        findings.add("file.duplicate_header", file=file, records=hs[1:],
                     details=[f"header record again (the first is record {hs[0]})"] * (len(hs) - 1))  # fmt: skip
    before: dict[int, int] = {}
    for t in ts:
        n_before, n_after = data_around(t, hs + ts, records, n_control)
        before[t] = n_before
        if n_after:
            findings.add("file.data_after_trailer", file=file, records=[t],
                         details=[f"{n_after} data record(s) after the trailer at record {t}"])  # fmt: skip
    return before
