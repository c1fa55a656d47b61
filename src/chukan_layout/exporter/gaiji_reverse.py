"""The 外字 table read backwards: UCS (+IVS) → the vendor's user-area code.

``convert`` replaced each vendor 外字 code (e.g. cp932 F040 = U+E000) by the table's target
(``U+845B U+E0100``). Export puts the vendor code back, so the receiving system sees its own
外字 again. Only ``exact`` and ``identified`` rows are reversed: a ``degraded`` row's target is a
substitute that also occurs as itself (高 for a 髙 variant), and ``unmapped`` rows have none.
Longer targets win (``葛`` + IVS before ``葛`` alone). Two codes with the same target cannot
both be restored; the first row wins and the conflict is reported by :func:`load_reverse`.

Only rows that contain a first character of some target are touched, value by value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..adapt.transforms.base import as_str
from ..gaiji.table import Status, load_table


@dataclass
class Evidence:
    """Convert's ``gaiji.csv`` read back: where the vendor file had a 外字 code, exactly.

    Keyed by (vendor file, physical record number, item) → [(vendor character position, vendor
    character, standard text it became)]. With it, export puts a vendor code back exactly where the
    original had one and writes the same character natively elsewhere (a vendor file may hold 邉
    both as a 外字 code and as its cp932 code; the standard value cannot tell them apart)."""

    rows: dict[tuple[str, int, str], list[tuple[int, str, str]]] = field(default_factory=dict)

    def restore(self, value: str, marks: list[tuple[int, str, str]]) -> str:
        out: list[str] = []
        todo = sorted(marks)
        i, vpos = 0, 1
        while i < len(value):
            if todo and todo[0][0] == vpos and value.startswith(todo[0][2], i):
                _, ch, text = todo.pop(0)
                out.append(ch)
                i += len(text)
            else:
                out.append(value[i])
                i += 1
            vpos += 1
        return "".join(out)


def load_evidence(paths: list[str | Path]) -> Evidence:
    """Read ``gaiji.csv`` sidecars written by ``convert`` (file, record, item, position, source_code, result)."""
    import csv

    from ..gaiji.table import parse_code_points

    ev = Evidence()
    for p in paths:
        with open(p, encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                ch = _char_of(r.get("source_code", ""))
                result = r.get("result", "")
                if ch is None or not result.upper().startswith("U+"):
                    continue
                key = (r["file"], int(r["record"]), r["item"])
                ev.rows.setdefault(key, []).append((int(r["position"]), ch, parse_code_points(result)))
    return ev


@dataclass
class ReverseGaiji:
    """Target sequence → vendor character (the decoded form of the vendor code, e.g. U+E000)."""

    mapping: dict[str, str]
    conflicts: list[str] = field(default_factory=list)
    degraded: int = 0

    def __post_init__(self) -> None:
        keys = sorted(self.mapping, key=len, reverse=True)
        self._re = re.compile("|".join(re.escape(k) for k in keys)) if keys else None
        firsts = sorted({k[0] for k in keys})
        self._first = "[" + "".join(re.escape(c) for c in firsts) + "]" if firsts else None

    def only_unencodable(self, encodes: Callable[[str], bool]) -> ReverseGaiji:
        """The same map restricted to targets the target encoding cannot carry natively."""
        return ReverseGaiji(
            {k: v for k, v in self.mapping.items() if not encodes(k)}, self.conflicts, self.degraded
        )

    def apply(self, values: pa.Array) -> tuple[pa.Array, int]:
        """The column with every mapped target replaced by its vendor character; and how many."""
        s = as_str(values)
        if self._first is None or self._re is None:
            return s, 0
        hit = pc.match_substring_regex(s, self._first)
        if not pc.any(hit).as_py():
            return s, 0
        rows = pc.indices_nonzero(hit)
        count = 0
        new = []
        for v in s.take(rows).to_pylist():
            out, k = self._re.subn(lambda m: self.mapping[m.group(0)], v)
            count += k
            new.append(out)
        if not count:
            return s, 0
        full = s.to_pylist()
        for i, v in zip(rows.to_pylist(), new, strict=True):
            full[i] = v
        return pa.array(full, pa.string()), count


def _char_of(code: str) -> str | None:
    """The decoded character of a ``U+XXXX`` source code (vendor hex codes are not reversible here)."""
    if code.upper().startswith("U+"):
        return chr(int(code[2:], 16))
    return None


def load_reverse(paths: list[str | Path]) -> ReverseGaiji:
    """The reverse map of one or more 外字 tables (as given to ``convert --gaiji-table``)."""
    mapping: dict[str, str] = {}
    conflicts: list[str] = []
    degraded = 0
    for p in paths:
        for e in load_table(p):
            if e.status is Status.DEGRADED:
                degraded += 1
                continue
            if e.status not in (Status.EXACT, Status.IDENTIFIED) or not e.target:
                continue
            ch = _char_of(e.source_code)
            if ch is None:
                continue
            if e.target in mapping and mapping[e.target] != ch:
                conflicts.append(
                    f"{e.source_code} and U+{ord(mapping[e.target]):04X} share target {e.target!r}"
                )
                continue
            mapping[e.target] = ch
    return ReverseGaiji(mapping, conflicts, degraded)
