"""Can the target encoding carry a column? Unencodable characters and over-long values, per row.

Never ``?``: a character the target codec cannot encode is either the record's rejection
(policy ``error``, naming the item and the code point) or the profile's declared substitute
(policy ``replace``, e.g. 〓), and each one is an :class:`Event` for ``unencodable.csv``.
A value longer than its fixed-width field rejects the record (``export.overflow``): export never
truncates a name.

The whole column is encoded once (the fast path); only when that fails are its distinct values
checked one by one, so clean data costs one codec call per column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..adapt.transforms.base import as_str
from ..readers.codecs import TextCodec
from ..readers.definition import FieldType
from .format import Unencodable


@dataclass
class Event:
    """One unencodable character (or an over-long value: ``code_point`` empty) in one row."""

    row: int
    kind: str  # "unencodable" | "overflow"
    position: int  # 1-based character position in the value (0 for overflow)
    code_point: str  # U+XXXX
    action: str  # "rejected" | "replaced"
    detail: str = ""


def _encodes(codec: TextCodec, text: str, kind: FieldType) -> bool:
    try:
        codec.encode(text, kind)
        return True
    except (UnicodeEncodeError, ValueError):
        return False


def _fix_value(
    codec: TextCodec, v: str, kind: FieldType, policy: Unencodable
) -> tuple[str, list[tuple[int, str]]]:
    """(value with bad characters substituted, [(position, code point)]) for one value."""
    bad: list[tuple[int, str]] = []
    out = []
    for i, ch in enumerate(v):
        if _encodes(codec, ch, kind):
            out.append(ch)
        else:
            bad.append((i + 1, f"U+{ord(ch):04X}"))
            out.append(policy.substitute or "")
    return "".join(out), bad


def check_column(codec: TextCodec, values: pa.Array, kind: FieldType, width: int | None,
                 policy: Unencodable) -> tuple[pa.Array, np.ndarray, list[Event]]:  # fmt: skip
    """(values to write, rows to reject, events). ``width``: the field's bytes (None for CSV)."""
    s = as_str(values)
    n = len(s)
    reject = np.zeros(n, bool)
    events: list[Event] = []
    try:
        _data, offsets = codec.encode_array(s, kind)
    except (ValueError, UnicodeEncodeError):
        s, reject, events = _slow(codec, s, kind, policy)
        clean = pc.if_else(pa.array(reject), "", s) if reject.any() else s
        _data, offsets = codec.encode_array(clean, kind)
    if width is not None:
        over = (np.diff(offsets) > width) & ~reject
        for r in np.flatnonzero(over).tolist():
            events.append(Event(r, "overflow", 0, "", "rejected",
                                f"{int(offsets[r + 1] - offsets[r])} bytes in a {width}-byte field"))  # fmt: skip
        reject |= over
    return s, reject, events


def _slow(
    codec: TextCodec, s: pa.Array, kind: FieldType, policy: Unencodable
) -> tuple[pa.Array, np.ndarray, list[Event]]:
    enc = pc.dictionary_encode(s)
    uniq = enc.dictionary.to_pylist()
    fixed: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for k, v in enumerate(uniq):
        if not _encodes(codec, v, kind):
            fixed[k] = _fix_value(codec, v, kind, policy)
    idx = np.asarray(enc.indices.to_numpy(zero_copy_only=False))
    hit = np.isin(idx, np.fromiter(fixed, np.int64, len(fixed)))
    events: list[Event] = []
    action = "replaced" if policy.policy == "replace" else "rejected"
    for r in np.flatnonzero(hit).tolist():
        for pos, cp in fixed[int(idx[r])][1]:
            events.append(Event(r, "unencodable", pos, cp, action))
    if policy.policy == "replace":
        new_dict = pa.array([fixed[k][0] if k in fixed else v for k, v in enumerate(uniq)], pa.string())
        return new_dict.take(enc.indices), np.zeros(len(s), bool), events
    return s, hit, events
