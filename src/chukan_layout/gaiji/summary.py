"""The 外字 stage's counters: what it saw, mapped, degraded and could not store. Mergeable.

:meth:`GaijiSummary.as_dict` is the plain structure the report renders::

    {
      "records": 1000000,              # records the stage saw
      "values_inspected": 5123,        # values the RE2 pass sent to Python
      "occurrences": 5301,             # 外字 / unstorable characters found
      "by_status": {"exact": 4100, "identified": 900, "degraded": 0, "unmapped": 301,
                    "replaced": 0, "not_in_target": 0},
      "by_item": {"shimei": 3000, ...},           # occurrences per item
      "top_unmapped": [{"code": "U+E0A5", "char": "\\ue0a5", "count": 120, "items": ["shimei"]}, ...],
      "not_storable": [{"charset": "jis_x0213", "code": "U+9AD9", "char": "髙", "count": 77,
                        "items": ["shimei"]}, ...],
    }

``not_storable`` lists characters left in the output that the item's charset cannot store
(unmapped PUA codes are in ``top_unmapped`` instead).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

STATUSES = ("exact", "identified", "degraded", "unmapped", "replaced", "not_in_target")


@dataclass
class GaijiSummary:
    records: int = 0
    values_inspected: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_item: Counter[str] = field(default_factory=Counter)
    unmapped: Counter[str] = field(default_factory=Counter)  # source code notation → count
    unmapped_items: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    not_storable: Counter[tuple[str, str]] = field(default_factory=Counter)  # (charset, code) → count
    not_storable_items: defaultdict[tuple[str, str], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )

    def merge(self, other: GaijiSummary) -> GaijiSummary:
        """Fold ``other`` into this summary (associative, commutative); returns self."""
        self.records += other.records
        self.values_inspected += other.values_inspected
        self.by_status.update(other.by_status)
        self.by_item.update(other.by_item)
        self.unmapped.update(other.unmapped)
        self.not_storable.update(other.not_storable)
        for k, v in other.unmapped_items.items():
            self.unmapped_items[k] |= v
        for k2, v in other.not_storable_items.items():
            self.not_storable_items[k2] |= v
        return self

    def as_dict(self, top: int = 50) -> dict[str, Any]:
        """Plain dict for reports (``top`` limits the two lists; ties sorted by code)."""

        def char(code: str) -> str:
            return "".join(chr(int(p[2:], 16)) for p in code.split()) if code.startswith("U+") else ""

        unm = sorted(self.unmapped.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        ns = sorted(self.not_storable.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        return {
            "records": self.records,
            "values_inspected": self.values_inspected,
            "occurrences": sum(self.by_status.values()),
            "by_status": {s: self.by_status.get(s, 0) for s in STATUSES},
            "by_item": dict(sorted(self.by_item.items())),
            "top_unmapped": [
                {"code": c, "char": char(c), "count": n, "items": sorted(self.unmapped_items[c])}
                for c, n in unm
            ],
            "not_storable": [
                {
                    "charset": cs,
                    "code": c,
                    "char": char(c),
                    "count": n,
                    "items": sorted(self.not_storable_items[(cs, c)]),
                }
                for (cs, c), n in ns
            ],
        }
