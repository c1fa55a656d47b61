"""Adapter targets from a crosswalk: ``crosswalk: FILE`` instead of listing items by hand.

For a source that is already in a standard layout (a 中間標準レイアウト V2.7 export going to a
基本データリスト layout), each crosswalk pair becomes ``target_item: {from: FIELD}`` — FIELD is
the source item's id, or its 項目名称 when the CSV header carries names — plus a ``map`` step
when the pair names a code map.  Items listed under ``items:`` win over the crosswalk.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import SpecLoadError
from ..spec.crosswalk import load_crosswalk
from ..spec.model import Layout
from .confine import outside_problem
from .format import AdapterFile, ItemMapping


def crosswalk_files(model: AdapterFile, base: Path) -> list[Path]:
    """The crosswalk files (and the code-map CSVs of CSV crosswalks) an adapter reads."""
    out: list[Path] = []
    for t in model.targets:
        if t.crosswalk is None:
            continue
        p = (base / t.crosswalk).resolve()
        out.append(p)
        if p.suffix.lower() == ".csv" and p.is_file():
            with p.open(encoding="utf-8-sig", newline="") as f:
                out += sorted(
                    {
                        (p.parent / r[2]).resolve()
                        for r in csv.reader(f)
                        if len(r) > 2 and r[2].endswith(".csv")
                    }
                )
    return out


def expand_crosswalks(
    model: AdapterFile,
    fields_of: Callable[[str | None, str | None], list[str]],
    base: Path,
    error: Callable[[tuple[Any, ...], str], Exception],
    layouts: Callable[[str], Layout],
) -> AdapterFile:
    """``model`` with every crosswalk target's pairs added to its items.

    ``fields_of(source, record_type)`` lists a source's fields; ``error(path, message)`` builds
    the adapter's ``file:line`` error for the target's ``crosswalk`` key."""
    if not any(t.crosswalk for t in model.targets):
        return model
    targets = []
    for ti, t in enumerate(model.targets):
        if t.crosswalk is None:
            targets.append(t)
            continue
        at = ("targets", ti, "crosswalk")
        for f in crosswalk_files(model.model_copy(update={"targets": [t]}), base):
            if (problem := outside_problem(f, base)) is not None:
                raise error(at, problem)
        try:
            cw = load_crosswalk(base / t.crosswalk)
            src = layouts(cw.source)
        except (SpecLoadError, KeyError, LookupError) as e:
            raise error(at, str(e.args[0]) if e.args else str(e)) from None
        if cw.target != t.layout:
            raise error(at, f"crosswalk {cw.crosswalk} maps to {cw.target}, but this target is {t.layout}")
        fields = fields_of(t.source, t.record_type)
        items: dict[str, ItemMapping] = {}
        for p in cw.pairs:
            if p.source is None or p.target in t.items:
                continue
            try:
                name = src.item(p.source).name
            except KeyError:
                raise error(
                    at, f"crosswalk {cw.crosswalk}: {p.source!r} is not an item of {src.id}"
                ) from None
            field = p.source if p.source in fields else name if name in fields else None
            if field is None:
                raise error(
                    at,
                    f"crosswalk {cw.crosswalk}: source item {p.source} ({name}) is not a field of the source",
                )
            m: dict[str, Any] = {"from": field}
            if p.code_map is not None:
                if p.code_map not in cw.code_maps:
                    raise error(at, f"crosswalk {cw.crosswalk}: unknown code map {p.code_map!r}")
                m["steps"] = [{"map": {"table": cw.code_maps[p.code_map]}}]
            items[p.target] = ItemMapping.model_validate(m)
        targets.append(t.model_copy(update={"items": {**items, **t.items}}))
    return model.model_copy(update={"targets": targets})
