"""The pipeline's side of the report: trailer reconciliation, 項目名称 of findings, and the
sign-off report of a run (the checks themselves: :class:`~chukan_layout.validation.ValidationRun`).

Kept apart from :mod:`chukan_layout.pipeline` (orchestration) so that each stays small;
only the pipeline modules import every stage (docs/design.md §2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

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
from ..validation.session import loaded_for
from ..validation.trailers import Trailer, compare, reconcile


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
