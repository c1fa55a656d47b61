"""Findings are data: stable codes, counts per (code, file, item) and capped, masked samples.

The engine never keeps one object per bad row. A :class:`FindingSet` holds, per key
``(code, file, item)``, the number of occurrences and the *lowest-numbered* N samples
(record number and masked value).  Keeping the lowest record numbers (rather than the
first seen) makes :meth:`FindingSet.merge` associative and commutative, so worker and
cluster partitions combine exactly and reports are deterministic (docs/design.md §4.3, §4.9).

Codes are registered once by the stage that raises them (:func:`register_code`) with a
default severity and a one-line summary in English and Japanese; ``docs/findings.md`` is
generated from that registry.

The parts live in private modules, re-exported here (the one import path): ``_codes`` (the
severities, the code registry, the checks of severity overrides) and ``_masking`` (sensitivity
kinds and :func:`mask_value`); this module keeps the aggregate (:class:`FindingSet`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._codes import (
    RULE_PREFIX,
    FindingCode,
    Severity,
    check_override,
    check_rule_names,
    get_code,
    register_code,
    registered_codes,
)
from ._masking import Sensitivity, mask_value

__all__ = [
    "RULE_PREFIX",
    "FindingCode",
    "FindingSet",
    "Key",
    "Sample",
    "Sensitivity",
    "Severity",
    "check_override",
    "check_rule_names",
    "get_code",
    "mask_value",
    "merge_all",
    "register_code",
    "registered_codes",
]


Key = tuple[str, str, str]  # (code, file, item)  item "" = record/file level


@dataclass(frozen=True, order=True)
class Sample:
    """One kept example of a finding: record number (0 = file level) and masked value."""

    record: int
    value: str | None = None
    detail: str | None = None


@dataclass
class FindingSet:
    """Counts per (code, file, item) plus the lowest-numbered samples; mergeable.

    ``max_samples=None`` keeps every occurrence (tests with ground truth use it).
    """

    max_samples: int | None = 20
    # finding code → severity, or ``rule:<id>`` → severity of that one row rule (``--severity
    # rule:japanese_needs_honseki=warning``; a rule's override beats its code's)
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    # ``rule:<id>`` turned off (adapter ``rules: {id: off}``, ``--severity rule:ID=off``): not evaluated
    disabled: set[str] = field(default_factory=set)
    # why an override or an ``off`` was set (the adapter's reason), shown in the report
    override_reasons: dict[str, str] = field(default_factory=dict)
    counts: dict[Key, int] = field(default_factory=dict)
    samples: dict[Key, list[Sample]] = field(default_factory=dict)
    # severity of one (code, file, item) when the check carries its own (a row rule's
    # ``severity: warning``); a run's per-code override still wins
    key_severity: dict[Key, Severity] = field(default_factory=dict)

    # -- adding ------------------------------------------------------------------------
    def add(
        self,
        code: str,
        *,
        file: str,
        item: str = "",
        records: Sequence[int] | np.ndarray | None = None,
        values: Sequence[str | None] | None = None,
        details: Sequence[str | None] | None = None,
        count: int | None = None,
        sensitivity: Sensitivity | str | None = None,
        raw: bool = False,
        severity: Severity | str | None = None,
    ) -> None:
        """Count occurrences of ``code`` and keep samples.

        ``records`` is a vector of 1-based record numbers (0 for a file-level finding);
        ``values`` the offending values at those records (masked here unless ``raw``);
        ``severity`` overrides the code's default for this (code, file, item) only.
        """
        get_code(code)  # unknown codes fail loudly
        key = (code, file, item)
        if severity is not None:
            self.key_severity[key] = Severity(severity)
        recs = np.asarray(records if records is not None else [0], dtype=np.int64)
        n = int(count) if count is not None else int(recs.size)
        if n == 0:
            return
        self.counts[key] = self.counts.get(key, 0) + n
        k = recs.size if self.max_samples is None else min(self.max_samples, recs.size)
        if k == 0:
            return
        order = np.argsort(recs, kind="stable")[:k]
        new = [
            Sample(
                int(recs[i]),
                None if values is None else (values[i] if raw else mask_value(values[i], sensitivity)),
                None if details is None else details[i],
            )
            for i in order
        ]
        self._keep(key, new)

    def wants_sample(self, code: str, file: str, item: str, record: int) -> bool:
        """Would a sample at ``record`` be kept for (code, file, item)? False once ``max_samples``
        lower-numbered samples are held: then a caller counts without building samples."""
        if self.max_samples is None:
            return True
        kept = self.samples.get((code, file, item), [])
        return len(kept) < self.max_samples or (bool(kept) and record < kept[-1].record)

    def _keep(self, key: Key, new: list[Sample]) -> None:
        merged = list(heapq.merge(self.samples.get(key, []), new))
        if self.max_samples is not None:
            merged = merged[: self.max_samples]
        self.samples[key] = merged

    def merge(self, other: FindingSet) -> FindingSet:
        """Fold ``other`` into this set (in place) and return self. Associative, commutative."""
        for key, n in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + n
        for key, smp in other.samples.items():
            self._keep(key, list(smp))
        self.key_severity.update(other.key_severity)
        self.disabled |= other.disabled
        self.override_reasons.update(other.override_reasons)
        return self

    def set_overrides(self, overrides: Mapping[str, str], reasons: Mapping[str, str] | None = None) -> None:
        """Apply ``{code or rule:<id>: error|warning|info|off}`` (``off`` only for rules)."""
        for key, level in overrides.items():
            if str(level) == "off":
                self.disabled.add(key)
                self.severity_overrides.pop(key, None)
            else:
                self.severity_overrides[key] = Severity(level)
                self.disabled.discard(key)
        self.override_reasons.update(reasons or {})

    # -- reading -----------------------------------------------------------------------
    def severity(self, code: str, key: Key | None = None) -> Severity:
        """Severity of a code in this run: the run's override, else the key's own (a row
        rule's), else the registered default."""
        if key is not None and key[2] in self.severity_overrides:  # a row rule's own override
            return self.severity_overrides[key[2]]
        if code in self.severity_overrides:
            return self.severity_overrides[code]
        if key is not None and key in self.key_severity:
            return self.key_severity[key]
        return get_code(code).severity

    def total(self, severity: Severity | str | None = None, file: str | None = None) -> int:
        """Number of occurrences, optionally of one severity and/or one file."""
        sev = None if severity is None else Severity(severity)
        return sum(
            n
            for (code, f, it), n in self.counts.items()
            if (sev is None or self.severity(code, (code, f, it)) is sev) and (file is None or f == file)
        )

    def has_errors(self) -> bool:
        return self.total(Severity.ERROR) > 0

    def rows(self) -> Iterator[dict[str, Any]]:
        """One dict per (code, file, item), sorted, with severity, count and samples."""
        for key in sorted(self.counts):
            code, file, item = key
            yield {
                "code": code,
                "severity": str(self.severity(code, key)),
                "file": file,
                "item": item,
                "count": self.counts[key],
                "samples": [s.__dict__ for s in self.samples.get(key, [])],
            }

    def to_pandas(self) -> Any:
        """One row per (code, file, item): ``code``, ``severity``, ``file``, ``item``, ``count``.

        A ``pandas.DataFrame`` sorted like :meth:`rows` (samples stay on the set: they are
        per-record detail, see :meth:`records_of`)."""
        import pandas as pd

        cols = ["code", "severity", "file", "item", "count"]
        rows = [{k: r[k] for k in cols} for r in self.rows()]
        df = pd.DataFrame(rows, columns=cols)
        return df.astype({"code": "string", "severity": "string", "file": "string", "item": "string",
                          "count": "int64"})  # fmt: skip

    def records_of(self, code: str | None = None, item: str | None = None) -> set[tuple[str, int, str, str]]:
        """(file, record, item, code) of every kept sample (all of them with max_samples=None)."""
        out: set[tuple[str, int, str, str]] = set()
        for (c, f, it), smp in self.samples.items():
            if (code is None or c == code) and (item is None or it == item):
                out.update((f, s.record, it, c) for s in smp)
        return out


def merge_all(sets: Iterable[FindingSet], max_samples: int | None = 20) -> FindingSet:
    """Merge many finding sets into a new one."""
    out = FindingSet(max_samples=max_samples)
    for s in sets:
        out.merge(s)
    return out
