"""The pipeline's side of validation and reports: compiled layouts, trailer reconciliation,
cross-record checks over the merged codes, and the sign-off report of a run.

Kept apart from :mod:`chukan_layout.pipeline` (orchestration) so that each stays small;
only the pipeline modules import every stage (DESIGN §2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from functools import cache
from typing import Any

import numpy as np

from ..findings import FindingSet
from ..readers.definition import FixedWidthDefinition
from ..report import (
    FileCounts,
    GaijiCounts,
    InputInfo,
    LayoutInfo,
    OutputInfo,
    Report,
    Thresholds,
    TrailerCheck,
    build_report,
)
from ..spec.model import Layout
from ..validation.compile import CompiledLayout, compile_layout
from ..validation.keys import KeyIndex, Reread
from ..validation.refs import ReferenceIndex
from ..validation.store import share_budget
from ..validation.trailers import Trailer, compare, reconcile


@cache
def _registered(layout_id: str) -> Any:
    from ..errors import UnknownLayoutError
    from ..spec.registry import load_layout

    try:
        return load_layout(layout_id)
    except UnknownLayoutError:
        return None


def loaded_for(layout: Layout) -> Any:
    """The registry's LoadedLayout (with code tables) when ``layout`` is the registered one, else the Layout."""
    reg = _registered(layout.id)
    return reg if reg is not None and (reg.spec is layout or reg.spec == layout) else layout


def compile_for(layout: Layout) -> CompiledLayout:
    """Compile a target layout with its code tables (registered layouts) or as given (custom ones)."""
    return compile_layout(loaded_for(layout))


ADD_ROWS = 1 << 16


class CrossChecks:
    """Unique keys per layout and references between the run's layouts, fed with worker codes."""

    def __init__(self, layouts: Sequence[Layout], *, spill_dir: str | None = None) -> None:
        self.keys = {lay.id: KeyIndex.for_layout(lay) for lay in layouts}
        for k in self.keys.values():
            k.store.spill_dir = spill_dir
        self.refs = ReferenceIndex(list(layouts), spill_dir=spill_dir)
        share_budget([k.store for k in self.keys.values()] + self.refs.stores())

    def add(self, codes: Mapping[tuple[str, Any], tuple[np.ndarray, np.ndarray]], file: str) -> None:
        """Codes of one partition (``worker._codes_of``), in partition order.

        Fed to the stores in slices of ``ADD_ROWS``: a whole-file partition (CSV) would otherwise
        make each store's sort temporaries as big as the file's codes."""
        for (kind, key), (cc, rr) in codes.items():
            for lo in range(0, len(cc), ADD_ROWS):
                self._add(kind, key, cc[lo : lo + ADD_ROWS], rr[lo : lo + ADD_ROWS], file)

    def _add(self, kind: str, key: Any, c: np.ndarray, r: np.ndarray, file: str) -> None:
        if kind == "key":
            self.keys[key].add_codes(c, r, file=file)
        elif kind == "target":
            self.refs.targets[key].append(c, r, file)
        elif kind == "edge":
            self.refs.edges[key].store.append(c, r, file)
        elif kind == "blank":
            self.refs.edges[key].blanks.append(c, r, file)

    def finish(self, findings: FindingSet, *, reread: Callable[[str], Reread] | None = None,
               raw_values: bool = False) -> None:  # fmt: skip
        """``key.duplicate`` and ``ref.orphan`` into ``findings``; ``reread(layout_id)`` re-reads hashed keys."""
        for lid, k in self.keys.items():
            k.finish(findings, reread=None if reread is None else reread(lid), raw_values=raw_values)
        self.refs.finish(findings, raw_values=raw_values)


def trailer_checks(
    file: str, definition: Any, trailers: Iterable[dict[str, Any]], counted: int, sums: Mapping[str, Decimal],
    findings: FindingSet,
) -> list[TrailerCheck]:  # fmt: skip
    """Reconcile a file's trailer records (``ControlTotals`` of their record type) with what was read."""
    if not isinstance(definition, FixedWidthDefinition):
        return []
    out: list[TrailerCheck] = []
    for t in trailers:
        rt = next((r for r in definition.record_types if r.name == t.get("_record_type")), None)
        if rt is None or rt.control is None:
            continue
        ctl = rt.control
        labels = {f.name: f.label or f.name for f in rt.fields}
        tr = Trailer(file, int(t["_record"]), None if ctl.count is None else _text(t.get(ctl.count)),
                     {data: _text(t.get(tf)) or "" for tf, data in ctl.totals.items()})  # fmt: skip
        reconcile([tr], {file: counted}, {file: dict(sums)}, findings)
        by_data = {data: tf for tf, data in ctl.totals.items()}
        for line in compare(tr, counted, sums):
            if line.what == "count":
                out.append(
                    TrailerCheck(
                        file,
                        ctl.count or "count",
                        line.claimed or "",
                        line.actual,
                        kind="record_count",
                        label_ja=labels.get(ctl.count or "", "件数"),
                    )
                )
            else:
                tf = by_data[line.what]
                out.append(
                    TrailerCheck(
                        file,
                        tf,
                        line.claimed or "",
                        line.actual,
                        kind="control_total",
                        label_ja=labels.get(tf, tf),
                    )
                )
    return out


def _text(v: Any) -> str | None:
    return None if v is None else str(v)


def item_namer(layouts_by_file: Mapping[str, Sequence[Layout]]) -> Callable[[str, str], str | None]:
    """項目名称 of an item (or a rule's message) for a finding of ``file`` (a file may feed several layouts)."""

    def name(file: str, item: str) -> str | None:
        for lay in layouts_by_file.get(file, ()):
            if item.startswith("rule:"):
                msg = next((r.message for r in lay.rules if r.id == item[5:]), None)
                if msg:
                    return msg
                continue
            names = {it.id: it.name for it in lay.items}
            parts = [names.get(p) for p in item.split("+")]
            if any(parts):
                return "・".join(p for p in parts if p)
        return None

    return name


def layout_info(layout: Layout) -> LayoutInfo:
    return LayoutInfo.of(loaded_for(layout))


def make_report(
    findings: FindingSet, *, files: Sequence[FileCounts], inputs: Sequence[InputInfo], outputs: Sequence[OutputInfo],
    layouts: Sequence[Layout], trailers: Sequence[TrailerCheck], gaiji: Any, layouts_by_file: Mapping[str, Sequence[Layout]],
    thresholds: Thresholds | None, adapter: tuple[str, str | None] | None, raw_values: bool,
    extra: Mapping[str, str], title: str | None = None,
) -> Report:  # fmt: skip
    """The sign-off report of a convert or validate run."""
    return build_report(
        findings,
        files=files,
        inputs=inputs,
        outputs=outputs,
        layouts=[layout_info(la) for la in layouts],
        trailers=trailers,
        gaiji=None if gaiji is None else GaijiCounts.from_stage(gaiji),
        item_names=item_namer(layouts_by_file),
        thresholds=thresholds,
        adapter=adapter,
        masking=not raw_values,
        extra_options=extra,
        title=title,
    )
